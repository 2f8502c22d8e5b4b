import { CircuitState as Cockatiel } from 'cockatiel';
import type { CircuitState } from '../../application/ports/channel-sender.js';
import type { Channel } from '../../domain/notification-type.js';

export interface CircuitSettings {
  /** Consecutive failures (provider down, or no answer at all) that open the circuit. */
  readonly failuresToOpen: number;
  /** How long the circuit stays open before one probe is let through. */
  readonly halfOpenAfterMs: number;
}

/** Hears a breaker change state, and a provider refuse our configuration (a log line, a metric). */
export interface CircuitListener {
  stateChanged(channel: Channel, state: CircuitState): void;
  configurationFault(channel: Channel, error: string): void;
}

/** cockatiel's state in our words (Isolated, which we never use, reads as open). */
export function stateName(state: Cockatiel): CircuitState {
  if (state === Cockatiel.Closed) return 'closed';
  if (state === Cockatiel.HalfOpen) return 'half_open';
  return 'open';
}
