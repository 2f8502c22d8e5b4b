import type { Channel } from 'amqplib';
import type { Logger } from '../observability/logger.js';

interface Target {
  readonly channel: Channel;
  readonly queue: string;
  bound: boolean;
}

/**
 * Outcome events reach an instance's stream queue only while an admin stream is open there:
 * bound when the first opens, unbound when the last closes. Bound for good, every instance's
 * queue would be a route for every outcome event, so one no other consumer is bound for would no
 * longer be kept by the alternate exchange, nor returned to the outbox relay (ADR 5); and an
 * instance nobody watches would receive every outcome for nothing. Binding changes run one at a
 * time, so the last word wins.
 */
export class OutcomeBindings {
  private watchers = 0;
  private current: Target | null = null;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly exchange: string,
    private readonly keys: readonly string[],
    private readonly logger: Logger,
  ) {}

  /** A new channel and queue (after a (re)connection): bound at once while admins watch. */
  attach(channel: Channel, queue: string): Promise<void> {
    this.current = { channel, queue, bound: false };
    return this.sync();
  }

  /**
   * Holds the binding until the answered release is called. Resolves once bound, so an admin
   * stream told `connected` misses nothing after it; while the broker is away, at once (bound on
   * reconnection).
   */
  async watch(): Promise<() => void> {
    this.watchers += 1;
    await this.sync();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.watchers -= 1;
      void this.sync();
    };
  }

  private sync(): Promise<void> {
    this.pending = this.pending
      .then(() => this.apply())
      .catch((error: unknown) => this.logger.warn({ err: error }, 'stream relay: could not change the outcome bindings; done again on reconnection'));
    return this.pending;
  }

  private async apply(): Promise<void> {
    const target = this.current;
    const wanted = this.watchers > 0;
    if (!target || target.bound === wanted) return;
    for (const key of this.keys) {
      if (wanted) await target.channel.bindQueue(target.queue, this.exchange, key);
      else await target.channel.unbindQueue(target.queue, this.exchange, key);
    }
    target.bound = wanted;
  }
}
