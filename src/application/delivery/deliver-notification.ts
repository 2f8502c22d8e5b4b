import { InvalidValueError } from '../../domain/errors.js';
import type { NotificationSnapshot } from '../../domain/notification-request.js';
import type { Channel } from '../../domain/notification-type.js';
import type { SendOutcome } from '../../domain/send-outcome.js';
import type { RecordedStatus } from '../handler-types.js';
import type { MessageBus } from '../message-bus.js';
import type { ChannelSender } from '../ports/channel-sender.js';
import type { Clock } from '../ports/clock.js';
import type { ClaimedNotification } from '../ports/delivery-queue.js';
import type { DeliveryMonitor } from '../ports/delivery-monitor.js';
import type { NotificationRenderer } from '../ports/notification-renderer.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { SendReportRecorder } from './send-report-recorder.js';

/** A notification claimed this many times after an expired lease fails instead of being sent again. */
export const MAX_LEASE_EXPIRIES = 3;

export interface DeliveryDeps {
  readonly senders: ReadonlyMap<Channel, ChannelSender>;
  readonly renderer: NotificationRenderer;
  readonly recorder: SendReportRecorder;
  readonly leases: LeaseKeeper;
  readonly bus: MessageBus;
  readonly clock: Clock;
  readonly monitor: DeliveryMonitor;
  /**
   * A send with no answer by then is recorded ambiguous (it may still complete, and is resent
   * with the same id later): a sender that never settles cannot hold its claim for ever.
   */
  readonly sendTimeoutMs: number;
}

/**
 * Delivers one claimed notification, whatever its channel: renders it for the channel, hands it
 * to the channel's sender, and records the answer (sent, retried on its priority's plan, deferred
 * while the provider is down, or failed). The claim's lease is kept alive from before the send
 * until the outcome is recorded. Never throws for an answer; rejects only when the outcome could
 * not be recorded at all, and then the claim is let go (its lease expires and the send is retried).
 */
export class DeliverNotification {
  constructor(private readonly deps: DeliveryDeps) {}

  async execute(claimed: ClaimedNotification): Promise<RecordedStatus> {
    const { notification: n, claimToken } = claimed;
    const claim = { notificationId: n.id, claimToken };
    this.deps.leases.hold(claim);
    try {
      if (n.leaseExpiries >= MAX_LEASE_EXPIRIES) return await this.abandon(n, claimToken, 'lease_expired');
      if (n.expiresAt !== null && this.deps.clock.now() >= n.expiresAt) return await this.abandon(n, claimToken, 'expired');
      if (claimed.held) {
        const status = await this.deps.bus.handle({ type: 'RecheckHeld', notificationId: n.id, claimToken });
        if (status !== 'sending') return status;
      }
      if (claimed.resend) this.deps.monitor.resending(n);
      const attemptedAt = this.deps.clock.now();
      const started = performance.now();
      const outcome = await this.send(n);
      const latencyMs = performance.now() - started;
      this.deps.monitor.answered(n, outcome, latencyMs);
      const status = await this.deps.recorder.record({ notificationId: n.id, claimToken, outcome, attemptedAt, latencyMs });
      this.deps.monitor.recorded(n, outcome, status);
      return status;
    } finally {
      this.deps.leases.release(claim);
    }
  }

  private async send(n: NotificationSnapshot): Promise<SendOutcome> {
    const sender = this.deps.senders.get(n.channel);
    if (!sender) return { kind: 'permanent', error: `no sender is configured for channel ${n.channel}`, response: null };
    let content;
    try {
      content = await this.deps.renderer.render(n);
    } catch (error) {
      if (error instanceof InvalidValueError) return { kind: 'permanent', error: `cannot render: ${error.message}`, response: null };
      // The template could not be read (the database is down): deferred like a provider outage,
      // no attempt used and the provider's breaker untouched, rather than a claim left to expire.
      const reason = error instanceof Error ? error.message : String(error);
      return { kind: 'provider_down', error: `cannot read the template: ${reason}`, response: null, attempted: false, configurationFault: false };
    }
    const { id: notificationId, type: notificationType, userId, recipient, fromProfile, correlationId } = n;
    return this.bounded(sender.send({ notificationId, notificationType, userId, recipient, fromProfile, correlationId, content }));
  }

  private async bounded(sending: Promise<SendOutcome>): Promise<SendOutcome> {
    const { sendTimeoutMs } = this.deps;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<SendOutcome>((resolve) => {
      const error = `no answer from the provider within ${sendTimeoutMs} ms: the message may still be delivered`;
      timer = setTimeout(() => resolve({ kind: 'ambiguous', error, response: null }), sendTimeoutMs);
    });
    try {
      return await Promise.race([sending, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async abandon(n: NotificationSnapshot, claimToken: string, reason: 'lease_expired' | 'expired'): Promise<RecordedStatus> {
    const status = await this.deps.bus.handle({ type: 'AbandonClaim', notificationId: n.id, claimToken, reason });
    this.deps.monitor.recorded(n, null, status);
    return status;
  }
}
