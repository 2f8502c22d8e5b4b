import { BrokenCircuitError, CircuitState as Cockatiel, ConsecutiveBreaker, type CircuitBreakerPolicy, circuitBreaker, handleType } from 'cockatiel';
import type { ChannelSender, CircuitState, GuardedChannelSender, OutgoingMessage } from '../../application/ports/channel-sender.js';
import type { Channel } from '../../domain/notification-type.js';
import type { SendOutcome } from '../../domain/send-outcome.js';

export interface CircuitSettings {
  /** Consecutive provider-down answers that open the circuit. */
  readonly failuresToOpen: number;
  /** How long the circuit stays open before one probe is let through. */
  readonly halfOpenAfterMs: number;
}

export interface CircuitListener {
  stateChanged(channel: Channel, state: CircuitState): void;
  configurationFault(channel: Channel, error: string): void;
}

type ProviderDownOutcome = Extract<SendOutcome, { kind: 'provider_down' }>;

class ProviderDown extends Error {
  constructor(readonly outcome: ProviderDownOutcome) {
    super(outcome.error);
  }
}

/**
 * Any channel's sender behind a circuit breaker (cockatiel): only `provider_down` answers from a
 * provider that was asked count; an answer about one message (transient, permanent, ambiguous) shows the provider is up. After
 * `failuresToOpen` in a row the circuit opens: sends are refused as provider-down without being
 * attempted, until one probe after `halfOpenAfterMs` gets an answer. A timeout never cancels a
 * send in flight, so the breaker only ever sees outcomes.
 */
export class CircuitBreakingSender implements GuardedChannelSender {
  readonly channel: Channel;
  private readonly breaker: CircuitBreakerPolicy;
  private openedAt = 0;
  private lastDown: ProviderDownOutcome | null = null;

  constructor(
    private readonly inner: ChannelSender,
    private readonly settings: CircuitSettings,
    private readonly listener: CircuitListener,
  ) {
    this.channel = inner.channel;
    this.breaker = circuitBreaker(handleType(ProviderDown), { halfOpenAfter: settings.halfOpenAfterMs, breaker: new ConsecutiveBreaker(settings.failuresToOpen) });
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
    });
    this.breaker.onStateChange((state) => listener.stateChanged(this.channel, stateName(state)));
  }

  /** The breaker turns half-open only when a send is tried: callers holding back learn here that a probe is due. */
  get circuit(): CircuitState {
    const state = stateName(this.breaker.state);
    return state === 'open' && Date.now() - this.openedAt >= this.settings.halfOpenAfterMs ? 'half_open' : state;
  }

  get configurationFault(): string | null {
    return this.lastDown?.configurationFault ? this.lastDown.error : null;
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    try {
      const outcome = await this.breaker.execute(() => this.attempt(message));
      this.lastDown = null;
      return outcome;
    } catch (error) {
      if (error instanceof ProviderDown) return this.down(error.outcome);
      if (!(error instanceof BrokenCircuitError)) throw error;
      const why = this.lastDown ? `: ${this.lastDown.error}` : '';
      return { kind: 'provider_down', attempted: false, configurationFault: this.lastDown?.configurationFault ?? false, error: `${this.channel} circuit open${why}`, response: null };
    }
  }

  /** Only a provider that was asked and failed counts: a send that never left (its secrets could not be read) says nothing of it. */
  private async attempt(message: OutgoingMessage): Promise<SendOutcome> {
    const outcome = await this.inner.send(message);
    if (outcome.kind === 'provider_down' && outcome.attempted) throw new ProviderDown(outcome);
    return outcome;
  }

  private down(outcome: ProviderDownOutcome): SendOutcome {
    this.lastDown = outcome;
    if (outcome.configurationFault) this.listener.configurationFault(this.channel, outcome.error);
    return outcome;
  }
}

function stateName(state: Cockatiel): CircuitState {
  if (state === Cockatiel.Closed) return 'closed';
  if (state === Cockatiel.HalfOpen) return 'half_open';
  return 'open';
}
