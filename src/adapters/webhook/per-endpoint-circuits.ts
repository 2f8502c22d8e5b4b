import type { ChannelSender, CircuitState, GuardedChannelSender, OutgoingMessage } from '../../application/ports/channel-sender.js';
import type { SendOutcome } from '../../domain/send-outcome.js';
import { CircuitBreakingSender, type CircuitSettings } from '../delivery/circuit-breaking-sender.js';

/** Hears an endpoint's circuit open and close (a log line; endpoints are too many for metric labels). */
export interface EndpointCircuitListener {
  stateChanged(endpoint: string, state: CircuitState): void;
}

/**
 * The webhook sender behind one circuit breaker per receiving endpoint (scheme://host:port), so
 * one broken receiver never holds the others. The channel as a whole always says `closed`: the
 * worker keeps claiming webhooks, and a send to an endpoint whose circuit is open answers
 * provider_down, not attempted, at once (deferred with backoff, no attempt used) while its
 * half-open probe is whichever send comes after the wait. The breakers are kept for the
 * `capacity` most recently used endpoints; closed ones are forgotten first, since forgetting an
 * open one lets its next send through unguarded.
 */
export class PerEndpointCircuits implements GuardedChannelSender {
  readonly channel = 'webhook' as const;
  readonly circuit: CircuitState = 'closed';
  /** Webhook answers are about endpoints, never about our configuration. */
  readonly configurationFault = null;
  private readonly circuits = new Map<string, CircuitBreakingSender>();

  constructor(
    private readonly inner: ChannelSender,
    private readonly settings: CircuitSettings,
    private readonly listener: EndpointCircuitListener,
    private readonly capacity = 10_000,
  ) {}

  send(message: OutgoingMessage): Promise<SendOutcome> {
    const endpoint = endpointOf(message.recipient);
    // Not a URL: the sender refuses it without a connection, so no endpoint's breaker counts it.
    if (endpoint === null) return this.inner.send(message);
    return this.circuitOf(endpoint).send(message);
  }

  /** How many endpoints' circuits are open now (the health report). */
  get openEndpoints(): number {
    return [...this.circuits.values()].filter((c) => c.circuit !== 'closed').length;
  }

  private circuitOf(endpoint: string): CircuitBreakingSender {
    const known = this.circuits.get(endpoint);
    if (known) {
      this.circuits.delete(endpoint);
      this.circuits.set(endpoint, known);
      return known;
    }
    if (this.circuits.size >= this.capacity) this.forgetOne();
    const listener = { stateChanged: (_channel: unknown, state: CircuitState) => this.listener.stateChanged(endpoint, state), configurationFault: () => undefined };
    const created = new CircuitBreakingSender(this.inner, this.settings, listener);
    this.circuits.set(endpoint, created);
    return created;
  }

  /** The least recently used closed circuit, or the least recently used of all when none is closed. */
  private forgetOne(): void {
    let victim: string | undefined;
    for (const [endpoint, circuit] of this.circuits) {
      victim ??= endpoint;
      if (circuit.circuit === 'closed') {
        victim = endpoint;
        break;
      }
    }
    if (victim !== undefined) this.circuits.delete(victim);
  }
}

/** `scheme://host:port` with the scheme's default port spelled out; null when not an http(s) URL. */
export function endpointOf(recipient: string): string | null {
  const url = URL.canParse(recipient) ? new URL(recipient) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
  return `${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

/** How every stored webhook URL to `endpoint` begins (stored as WHATWG-serialised: lower-case host, no default port). */
export function recipientPrefixOf(endpoint: string): string {
  return `${new URL(endpoint).origin}/`;
}
