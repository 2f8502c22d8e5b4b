import { CircuitState, ConsecutiveBreaker, type CircuitBreakerPolicy, circuitBreaker, handleType, BrokenCircuitError } from 'cockatiel';
import type { EmailSender, OutgoingEmail, SendOutcome } from '../../application/ports/email-sender.js';

export type CircuitStateName = 'closed' | 'open' | 'half_open';

export interface CircuitSettings {
  /** Consecutive provider-level failures that open the circuit. */
  readonly failuresToOpen: number;
  /** How long the circuit stays open before one probe is let through. */
  readonly halfOpenAfterMs: number;
}

/** A failure of the provider itself rather than of one message: these open the circuit. */
class ProviderDown extends Error {
  constructor(readonly outcome: SendOutcome) {
    super('provider down');
  }
}

/**
 * Without a reply the provider could not be reached (refused, timed out before DATA). A 4xx or 5xx
 * is an answer about one message, and an ambiguous send may have arrived: neither trips the circuit.
 */
function providerDown(outcome: SendOutcome): boolean {
  return outcome.kind === 'transient' && outcome.response === null;
}

/**
 * Wraps a sender in a circuit breaker (cockatiel): after `failuresToOpen` consecutive
 * provider-level failures, sends are refused as `deferred` (no attempt, no failure) until one
 * probe after `halfOpenAfterMs` succeeds. A timeout never cancels an SMTP transaction, so the
 * breaker only ever sees outcomes, never abandons a send in flight.
 */
export class CircuitBreakingEmailSender implements EmailSender {
  private readonly breaker: CircuitBreakerPolicy;
  private openedAt = 0;

  constructor(
    private readonly inner: EmailSender,
    private readonly settings: CircuitSettings,
    onStateChange: (state: CircuitStateName) => void = () => undefined,
  ) {
    this.breaker = circuitBreaker(handleType(ProviderDown), {
      halfOpenAfter: settings.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(settings.failuresToOpen),
    });
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
    });
    this.breaker.onStateChange((state) => onStateChange(stateName(state)));
  }

  /**
   * The breaker moves from open to half-open only when a send is tried; callers that hold back
   * while it is open learn here when the probe is due ('half_open').
   */
  get state(): CircuitStateName {
    const state = stateName(this.breaker.state);
    if (state === 'open' && Date.now() - this.openedAt >= this.settings.halfOpenAfterMs) return 'half_open';
    return state;
  }

  async send(email: OutgoingEmail): Promise<SendOutcome> {
    try {
      return await this.breaker.execute(async () => {
        const outcome = await this.inner.send(email);
        if (providerDown(outcome)) throw new ProviderDown(outcome);
        return outcome;
      });
    } catch (error) {
      if (error instanceof ProviderDown) return error.outcome;
      if (error instanceof BrokenCircuitError) return { kind: 'deferred', error: 'SMTP circuit open: provider unavailable', response: null };
      throw error;
    }
  }
}

function stateName(state: CircuitState): CircuitStateName {
  if (state === CircuitState.Closed) return 'closed';
  if (state === CircuitState.HalfOpen) return 'half_open';
  return 'open';
}
