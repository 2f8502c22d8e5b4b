import type { ChannelSender, CircuitState } from '../../application/ports/channel-sender.js';
import { CircuitBreakingSender, type CircuitSettings } from '../delivery/circuit-breaking-sender.js';
import { shownEndpoint } from './webhook-endpoint.js';

/** Hears an endpoint's circuit open and close (a log line; endpoints are too many for metric labels). */
export interface EndpointCircuitListener {
  /**
   * `endpoint`: its origin and a digest of its path, which often carries a capability token (what a
   * log line may show); `key`: the endpoint itself (scheme://host:port/path), for the deferred sends to it.
   */
  stateChanged(endpoint: string, state: CircuitState, key: string): void;
}

/**
 * One CircuitBreakingSender per endpoint, kept for the `capacity` most recently used endpoints.
 * Closed ones are forgotten first, since forgetting an open one lets its next send through
 * unguarded.
 */
export class EndpointBreakers {
  private readonly circuits = new Map<string, CircuitBreakingSender>();

  constructor(
    private readonly inner: ChannelSender,
    private readonly settings: CircuitSettings,
    private readonly listener: EndpointCircuitListener,
    private readonly capacity: number,
  ) {}

  /** How many endpoints' circuits are open (or due a half-open probe) now. */
  get open(): number {
    return [...this.circuits.values()].filter((c) => c.circuit !== 'closed').length;
  }

  of(endpoint: string): CircuitBreakingSender {
    const known = this.circuits.get(endpoint);
    if (known) {
      this.circuits.delete(endpoint);
      this.circuits.set(endpoint, known);
      return known;
    }
    if (this.circuits.size >= this.capacity) this.forgetOne();
    const shown = shownEndpoint(endpoint);
    const listener = { stateChanged: (_channel: unknown, state: CircuitState) => this.listener.stateChanged(shown, state, endpoint), configurationFault: () => undefined };
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
