import type { DeliverNotification } from '../../application/delivery/deliver-notification.js';
import type { LeaseKeeper } from '../../application/delivery/lease-keeper.js';
import type { GuardedChannelSender } from '../../application/ports/channel-sender.js';
import type { ClaimedNotification, DeliveryQueue } from '../../application/ports/delivery-queue.js';
import type { Channel } from '../../domain/notification-type.js';
import { withCorrelationId } from '../../adapters/observability/correlation.js';
import type { Logger } from '../../adapters/observability/logger.js';
import { PollLoop } from './poll-loop.js';

const RENEW_RETRY_MS = 1_000;

export interface WorkerSettings {
  readonly batchSize: number;
  readonly concurrency: number;
  readonly pollIntervalMs: number;
}

/**
 * The delivery loop: claims due notifications for the channels whose circuit lets sends through
 * (one probe at a time for a half-open circuit), runs the delivery use case on each with up to
 * `concurrency` in flight, and renews the leases of those in flight every third of a lease.
 */
export class DeliveryWorker {
  private readonly loop: PollLoop;
  private readonly inFlight = new Map<Promise<unknown>, Channel>();
  private renewal: NodeJS.Timeout | null = null;
  private renewing = false;
  /** When a claim or a renewal last failed: expired leases are left alone for a while after. */
  private lastFailureAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly deliver: DeliverNotification,
    private readonly leases: LeaseKeeper,
    private readonly senders: readonly GuardedChannelSender[],
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

  /** Committed work is waiting: claim now rather than at the next poll. */
  poke(): void {
    this.loop.poke();
  }

  /** Claims nothing more and waits for the sends in flight to be recorded. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.allSettled([...this.inFlight.keys()]);
    if (this.renewal) clearInterval(this.renewal);
    this.renewal = null;
  }

  private async tick(): Promise<boolean> {
    const room = this.settings.concurrency - this.inFlight.size;
    if (room <= 0) {
      await Promise.race(this.inFlight.keys());
      return true;
    }
    const limit = Math.min(room, this.settings.batchSize);
    const closed = this.senders.filter((s) => s.circuit === 'closed').map((s) => s.channel);
    const claimed = await this.claim(limit, closed);
    for (const channel of this.probesDue()) claimed.push(...(await this.claim(1, [channel])));
    for (const item of claimed) this.track(item);
    // A short batch means nothing more is due: wait for a poke (new work committed) or the poll.
    return claimed.length >= limit;
  }

  /**
   * After the database was away, every lease may have run out by its clock while the workers
   * holding them lived on. Their holders renew within a second of its return; expired leases are
   * taken over only once a renewal period has passed without a failure here.
   */
  private async claim(limit: number, channels: readonly Channel[]): Promise<ClaimedNotification[]> {
    const takeOverExpired = Date.now() - this.lastFailureAt > this.leases.leaseMs / 3 + RENEW_RETRY_MS;
    try {
      return await this.queue.claimDue(limit, this.leases.leaseMs, channels, { takeOverExpired });
    } catch (error) {
      this.lastFailureAt = Date.now();
      throw error;
    }
  }

  /** Half-open channels with no send in flight: each may send one probe. */
  private probesDue(): Channel[] {
    const busy = new Set(this.inFlight.values());
    return this.senders.filter((s) => s.circuit === 'half_open' && !busy.has(s.channel)).map((s) => s.channel);
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
