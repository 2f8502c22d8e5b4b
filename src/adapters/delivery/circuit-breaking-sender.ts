import { BrokenCircuitError, ConsecutiveBreaker, type CircuitBreakerPolicy, circuitBreaker, handleType } from 'cockatiel';
import type { ChannelSender, CircuitState, GuardedChannelSender, OutgoingMessage } from '../../application/ports/channel-sender.js';
import type { Channel } from '../../domain/notification-type.js';
import type { SendOutcome } from '../../domain/send-outcome.js';
import { type CircuitListener, type CircuitSettings, stateName } from './circuit-settings.js';

export type { CircuitListener, CircuitSettings } from './circuit-settings.js';

type Failure = Extract<SendOutcome, { kind: 'provider_down' | 'ambiguous' }>;

/** An outcome the breaker counts as a failure: thrown through cockatiel, then returned as it is. */
class CountedFailure extends Error {
  constructor(readonly outcome: Failure) {
    super(outcome.error);
  }
}

/**
 * Any channel's sender behind a circuit breaker (cockatiel). What counts, in a row: `provider_down`
 * from a provider that was asked, and `ambiguous` with `unanswered` (the request went out and no
 * answer came: a provider that hangs is down too, though the attempt is recorded ambiguous). An
 * answer about one message (transient, permanent, accepted, a dropped connection) shows the
 * provider is up. After `failuresToOpen` in a row the circuit opens: sends are refused as
 * provider-down, not attempted, and deferred to the probe let through after `halfOpenAfterMs`.
 */
export class CircuitBreakingSender implements GuardedChannelSender {
  readonly channel: Channel;
  private readonly breaker: CircuitBreakerPolicy;
  private openedAt = 0;
  private lastFailure: Failure | null = null;

  constructor(
    private readonly inner: ChannelSender,
    private readonly settings: CircuitSettings,
    private readonly listener: CircuitListener,
  ) {
    this.channel = inner.channel;
    this.breaker = circuitBreaker(handleType(CountedFailure), { halfOpenAfter: settings.halfOpenAfterMs, breaker: new ConsecutiveBreaker(settings.failuresToOpen) });
    this.breaker.onBreak(() => (this.openedAt = Date.now()));
    this.breaker.onStateChange((state) => listener.stateChanged(this.channel, stateName(state)));
  }

  /** The breaker turns half-open only when a send is tried: callers holding back learn here that a probe is due. */
  get circuit(): CircuitState {
    const state = stateName(this.breaker.state);
    return state === 'open' && Date.now() - this.openedAt >= this.settings.halfOpenAfterMs ? 'half_open' : state;
  }

  get configurationFault(): string | null {
    return this.lastFailure?.kind === 'provider_down' && this.lastFailure.configurationFault ? this.lastFailure.error : null;
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    try {
      const outcome = await this.breaker.execute(() => this.attempt(message));
      this.lastFailure = null;
      return outcome;
    } catch (error) {
      if (error instanceof CountedFailure) return this.failed(error.outcome);
      if (!(error instanceof BrokenCircuitError)) throw error;
      const why = this.lastFailure ? `: ${this.lastFailure.error}` : '';
      // Due again when the half-open probe is, rather than re-claimed on a backoff of seconds meanwhile.
      const retryAfterMs = Math.max(0, this.openedAt + this.settings.halfOpenAfterMs - Date.now());
      return { kind: 'provider_down', attempted: false, configurationFault: this.configurationFault !== null, error: `${this.channel} circuit open${why}`, response: null, retryAfterMs };
    }
  }

  /** Only a provider that was asked counts: a send that never left (its secrets could not be read) says nothing of it. */
  private async attempt(message: OutgoingMessage): Promise<SendOutcome> {
    const outcome = await this.inner.send(message);
    if ((outcome.kind === 'provider_down' && outcome.attempted) || (outcome.kind === 'ambiguous' && outcome.unanswered)) throw new CountedFailure(outcome);
    return outcome;
  }

  private failed(outcome: Failure): SendOutcome {
    this.lastFailure = outcome;
    if (outcome.kind === 'provider_down' && outcome.configurationFault) this.listener.configurationFault(this.channel, outcome.error);
    return outcome;
  }
}
