import type { DeliverNotification } from '../../application/delivery/deliver-notification.js';
import type { LeaseKeeper } from '../../application/delivery/lease-keeper.js';
import type { GuardedChannelSender } from '../../application/ports/channel-sender.js';
import type { ClaimedNotification, DeliveryQueue } from '../../application/ports/delivery-queue.js';
import type { ChannelRateLimit } from '../../application/ports/rate-limit.js';
import type { Channel } from '../../domain/notification-type.js';
import { withCorrelationId } from '../../adapters/observability/correlation.js';
import type { Logger } from '../../adapters/observability/logger.js';
import { PollLoop } from './poll-loop.js';

const RENEW_RETRY_MS = 1_000;

export interface WorkerSettings {
  readonly batchSize: number;
  /** Sends in flight per channel at most. */
  readonly concurrency: number;
  readonly pollIntervalMs: number;
}

/**
 * The delivery loop: claims due notifications for the channels whose circuit lets sends through
 * (one probe at a time for a half-open circuit), runs the delivery use case on each with up to
 * `concurrency` in flight per channel, and renews the leases of those in flight every third of a
 * lease.
 */
export class DeliveryWorker {
  private readonly loop: PollLoop;
  private readonly inFlight = new Map<Promise<unknown>, Channel>();
  private renewal: NodeJS.Timeout | null = null;
  private renewing = false;
  /** When a claim or a renewal last failed: expired leases are left alone for a while after. */
  private lastFailureAt = Number.NEGATIVE_INFINITY;
  /** Ends the wait of a tick whose channels are all busy or idle: work was committed, or the worker stops. */
  private wake: (() => void) | null = null;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly deliver: DeliverNotification,
    private readonly leases: LeaseKeeper,
    private readonly senders: readonly GuardedChannelSender[],
    private readonly rateLimit: ChannelRateLimit,
    private readonly settings: WorkerSettings,
    private readonly logger: Logger,
    private readonly onRenewalFailure: () => void = () => undefined,
  ) {
    this.loop = new PollLoop(() => this.tick(), settings.pollIntervalMs, (error, failures) => logger.warn({ err: error, consecutive_failures: failures }, 'delivery worker failed; retrying'));
  }

  start(): void {
    this.loop.start();
    this.renewal ??= setInterval(() => void this.renew(), Math.max(100, Math.floor(this.leases.leaseMs / 3)));
  }

  /** Committed work is waiting: claim now rather than at the next poll (or the wait for a full channel's room). */
  poke(): void {
    this.wake?.();
    this.loop.poke();
  }

  /** Claims nothing more and waits for the sends in flight to be recorded. */
  async stop(): Promise<void> {
    const stopping = this.loop.stop();
    this.wake?.();
    await stopping;
    await Promise.allSettled([...this.inFlight.keys()]);
    if (this.renewal) clearInterval(this.renewal);
    this.renewal = null;
  }

  /**
   * One claim per channel that may send: each channel has `concurrency` sends of its own in
   * flight at most, so a slow or hanging provider never takes another channel's room; a half-open
   * circuit sends one probe at a time; a rate-limited channel claims what its shared budget allows.
   */
  private async tick(): Promise<boolean> {
    let more = false;
    let full = 0;
    for (const sender of this.senders) {
      const limit = this.roomFor(sender);
      if (limit === 0) {
        if (sender.circuit === 'closed') full += 1;
        continue;
      }
      const claimed = await this.claimBudgeted(sender.channel, limit, (item) => this.track(item));
      // A short batch means nothing more is due (or the budget ran out): wait for a poke or the poll.
      if (claimed.length >= limit) more = true;
    }
    // The full channel's sends may all have ended while the others claimed: then claim again at once.
    if (!more && full > 0) {
      if (this.inFlight.size > 0) await this.sendEndedOrWoken();
      return true;
    }
    return more;
  }

  /**
   * A channel without room claims again as soon as one of the sends in flight ends; the others as
   * soon as work is committed (a poke) or at the next poll (a retry come due), never only when a
   * send of a channel whose provider hangs times out.
   */
  private async sendEndedOrWoken(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const woken = new Promise<void>((resolve) => {
      this.wake = resolve;
      timer = setTimeout(resolve, this.settings.pollIntervalMs);
    });
    try {
      await Promise.race([...this.inFlight.keys(), woken]);
    } finally {
      clearTimeout(timer);
      this.wake = null;
    }
  }

  /** How many the channel may claim now: its free room (one probe when half-open), none when open. */
  private roomFor(sender: GuardedChannelSender): number {
    const busy = this.busy(sender.channel);
    if (sender.circuit === 'open') return 0;
    if (sender.circuit === 'half_open') return busy === 0 ? 1 : 0;
    return Math.max(0, Math.min(this.settings.concurrency - busy, this.settings.batchSize));
  }

  private busy(channel: Channel): number {
    let n = 0;
    for (const c of this.inFlight.values()) if (c === channel) n += 1;
    return n;
  }

  /**
   * Takes the channel's rate budget first, starts each claimed send, then gives back what no due
   * notification used: a give-back that fails only loses budget for a second, never a claim.
   */
  private async claimBudgeted(channel: Channel, limit: number, start: (claimed: ClaimedNotification) => void): Promise<ClaimedNotification[]> {
    const limited = this.rateLimit.limits(channel);
    const granted = limited ? await this.rateLimit.take(channel, limit) : limit;
    if (granted === 0) return [];
    let claimed: ClaimedNotification[] = [];
    try {
      claimed = await this.claim(granted, channel);
      for (const item of claimed) start(item);
    } finally {
      if (limited && claimed.length < granted) await this.rateLimit.giveBack(channel, granted - claimed.length).catch((error: unknown) => this.logger.warn({ err: error, channel }, 'could not give back unused rate budget'));
    }
    return claimed;
  }

  /**
   * After the database was away, every lease may have run out by its clock while the workers
   * holding them lived on. Their holders renew within a second of its return; expired leases are
   * taken over only once a renewal period has passed without a failure here.
   */
  private async claim(limit: number, channel: Channel): Promise<ClaimedNotification[]> {
    const takeOverExpired = Date.now() - this.lastFailureAt > this.leases.leaseMs / 3 + RENEW_RETRY_MS;
    try {
      return await this.queue.claimDue(limit, this.leases.leaseMs, channel, { takeOverExpired });
    } catch (error) {
      this.lastFailureAt = Date.now();
      throw error;
    }
  }

  private track(claimed: ClaimedNotification): void {
    const n = claimed.notification;
    const work = withCorrelationId(n.correlationId ?? n.id, () => this.deliver.execute(claimed)).catch((error: unknown) => {
      // The outcome could not be recorded: the claim is let go, and its lease expiring makes it due again.
      this.logger.error({ err: error, notification_id: n.id }, 'delivery failed; the notification is retried after its lease');
    });
    this.inFlight.set(work, n.channel);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** One renewal at a time; after a failure, tried again every second until the database answers. */
  private async renew(): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    try {
      await this.leases.renew();
    } catch (error) {
      this.lastFailureAt = Date.now();
      this.onRenewalFailure();
      this.logger.warn({ err: error, held: this.leases.size }, 'could not renew the leases of sends in flight; trying again in a second');
      if (this.renewal) setTimeout(() => void this.renew(), RENEW_RETRY_MS).unref();
    } finally {
      this.renewing = false;
    }
  }
}
