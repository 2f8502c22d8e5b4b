import type { ChannelSender, CircuitState, GuardedChannelSender, OutgoingMessage } from '../../application/ports/channel-sender.js';
import type { SendOutcome } from '../../domain/send-outcome.js';
import type { CircuitSettings } from '../delivery/circuit-breaking-sender.js';
import { EndpointBreakers, type EndpointCircuitListener } from './endpoint-breakers.js';
import { InFlight } from './in-flight.js';
import { endpointOf } from './webhook-endpoint.js';

export type { EndpointCircuitListener } from './endpoint-breakers.js';

export interface EndpointLimits {
  /** Sends in flight to one endpoint at most (WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT). */
  readonly maxInFlightPerEndpoint: number;
  /** Sends in flight to one origin at most: the HTTP client's connections to it (WEBHOOK_MAX_CONNECTIONS). */
  readonly maxInFlightPerOrigin: number;
}

/** Sends over a cap wait about this long (the backoff of provider-down deferrals, from 2 s, applies). */
const BUSY_RETRY_AFTER_MS = 1_000;

/**
 * The webhook sender behind one circuit breaker per receiving endpoint (scheme://host:port/path),
 * so one broken receiver never holds the others, nor one customer's path on a host that serves
 * many (Zapier, Slack, relays) the other customers'. The channel as a whole always says `closed`:
 * the worker keeps claiming webhooks, and a send to an endpoint whose circuit is open answers
 * provider_down, not attempted, at once (no attempt used), deferred to its half-open probe, which
 * is whichever send comes after the wait. So do an endpoint with `maxInFlightPerEndpoint` sends in
 * flight (a tarpit holds that many of the channel's slots, not all of them, until its breaker
 * opens on the timeouts), and an origin with as many as the client has connections to it (rather
 * than queue in undici, whose queue has neither a bound nor a timer). Both refusals come before
 * the breaker, which they leave untouched.
 */
export class PerEndpointCircuits implements GuardedChannelSender {
  readonly channel = 'webhook' as const;
  readonly circuit: CircuitState = 'closed';
  /** Webhook answers are about endpoints, never about our configuration. */
  readonly configurationFault = null;
  private readonly breakers: EndpointBreakers;
  private readonly perEndpoint: InFlight;
  private readonly perOrigin: InFlight;

  constructor(
    private readonly inner: ChannelSender,
    settings: CircuitSettings & EndpointLimits,
    listener: EndpointCircuitListener,
    capacity = 10_000,
  ) {
    this.breakers = new EndpointBreakers(inner, settings, listener, capacity);
    this.perEndpoint = new InFlight(settings.maxInFlightPerEndpoint);
    this.perOrigin = new InFlight(settings.maxInFlightPerOrigin);
  }

  send(message: OutgoingMessage): Promise<SendOutcome> {
    const endpoint = endpointOf(message.recipient);
    // Not a URL: the sender refuses it without a connection, so no endpoint's breaker counts it.
    if (endpoint === null) return this.inner.send(message);
    const origin = new URL(endpoint).origin;
    if (this.perEndpoint.isFull(endpoint)) return Promise.resolve(busy(`${this.perEndpoint.limit} webhooks to this endpoint are in flight already`));
    if (this.perOrigin.isFull(origin)) return Promise.resolve(busy(`${this.perOrigin.limit} webhooks to ${origin} are in flight, as many as its connections`));
    return this.perEndpoint.around(endpoint, () => this.perOrigin.around(origin, () => this.breakers.of(endpoint).send(message)));
  }

  /** How many endpoints' circuits are open now (the health report). */
  get openEndpoints(): number {
    return this.breakers.open;
  }
}

function busy(error: string): SendOutcome {
  return { kind: 'provider_down', error, response: null, attempted: false, configurationFault: false, retryAfterMs: BUSY_RETRY_AFTER_MS, busy: true };
}

/** How every stored webhook URL to `endpoint` begins (stored as WHATWG-serialised: lower-case host, no default port). */
export function recipientPrefixOf(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.origin}${url.pathname}`;
}
