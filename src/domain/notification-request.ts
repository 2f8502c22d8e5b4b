import { AggregateRoot } from './aggregate-root.js';
import { InvalidTransitionError } from './errors.js';
import type { Channel, NotificationType } from './notification-type.js';

export const NOTIFICATION_STATUSES = ['pending', 'sending', 'sent', 'retrying', 'failed', 'suppressed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export const SUPPRESSION_REASONS = ['preference_opt_out', 'duplicate', 'invalid_recipient'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** `ambiguous`: the connection died after DATA and before the reply; the message may have arrived. */
export type AttemptOutcome = 'accepted' | 'transient_failure' | 'permanent_failure' | 'ambiguous';

export interface DeliveryAttempt {
  readonly number: number;
  readonly attemptedAt: Date;
  readonly outcome: AttemptOutcome;
  readonly response: string | null;
  readonly error: string | null;
  readonly latencyMs: number;
}

export type AttemptResult = Omit<DeliveryAttempt, 'number'>;

export interface NotificationContent {
  readonly subject: string | null;
  readonly body: string | null;
  readonly templateVars: Readonly<Record<string, unknown>>;
}

export interface NotificationSnapshot {
  readonly id: string;
  readonly userId: string | null;
  readonly type: NotificationType;
  readonly channel: Channel;
  readonly recipient: string;
  readonly content: NotificationContent;
  readonly status: NotificationStatus;
  readonly suppressionReason: SuppressionReason | null;
  readonly attempts: readonly DeliveryAttempt[];
  /** Attempts made since the schedule (re)started: the backoff counts these, not the whole history. */
  readonly scheduledAttempts: number;
  readonly nextAttemptAt: Date | null;
  readonly leaseExpiresAt: Date | null;
  /** Identifies the worker's claim: only its holder may record the attempt's outcome. */
  readonly claimToken: string | null;
  readonly correlationId: string | null;
  /** The inbound event (or REST request) that caused it, for tracing. */
  readonly sourceEventId: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type NewNotification = Pick<
  NotificationSnapshot,
  'id' | 'userId' | 'type' | 'channel' | 'recipient' | 'content' | 'correlationId' | 'sourceEventId'
>;

/** One notification to one recipient on one channel, from request to final outcome. */
export class NotificationRequest extends AggregateRoot {
  private constructor(private state: NotificationSnapshot) {
    super();
  }

  static request(fields: NewNotification, now: Date): NotificationRequest {
    return NotificationRequest.recorded({ ...NotificationRequest.fresh(fields, now), status: 'pending', nextAttemptAt: now });
  }

  /** Recorded, never sent, so that on-call can see why. */
  static suppress(fields: NewNotification, reason: SuppressionReason, now: Date): NotificationRequest {
    return NotificationRequest.recorded({ ...NotificationRequest.fresh(fields, now), status: 'suppressed', suppressionReason: reason });
  }

  private static recorded(state: NotificationSnapshot): NotificationRequest {
    const notification = new NotificationRequest(state);
    notification.raise({
      type: 'NotificationRequested',
      notificationId: state.id,
      notificationType: state.type,
      channel: state.channel,
      status: state.status === 'suppressed' ? 'suppressed' : 'pending',
      reason: state.suppressionReason,
    });
    return notification;
  }

  static restore(snapshot: NotificationSnapshot): NotificationRequest {
    return new NotificationRequest(snapshot);
  }

  get id(): string {
    return this.state.id;
  }

  get status(): NotificationStatus {
    return this.state.status;
  }

  /** Takes the notification for one send; the lease lets another worker take over after a crash. */
  claim(now: Date, leaseExpiresAt: Date, claimToken: string): void {
    const { status, nextAttemptAt, leaseExpiresAt: lease } = this.state;
    const due = (status === 'pending' || status === 'retrying') && nextAttemptAt !== null && nextAttemptAt <= now;
    const expired = status === 'sending' && lease !== null && lease <= now;
    if (!due && !expired) throw new InvalidTransitionError(`notification ${this.id} is ${status} and not due`);
    this.update(now, { status: 'sending', leaseExpiresAt, claimToken, nextAttemptAt: null });
  }

  /** False once the lease expired and another worker took the notification over. */
  holdsClaim(claimToken: string): boolean {
    return this.state.status === 'sending' && this.state.claimToken === claimToken;
  }

  recordAccepted(result: AttemptResult): void {
    this.addAttempt(result, 'accepted');
    this.update(result.attemptedAt, { status: 'sent', leaseExpiresAt: null, claimToken: null });
    this.raise({ type: 'NotificationSent', ...this.outcomeFields() });
  }

  /** `retryAt` null: the schedule is exhausted and the notification fails. */
  recordTransientFailure(result: AttemptResult, retryAt: Date | null): void {
    this.addAttempt(result, 'transient_failure');
    if (retryAt === null) return this.fail(result);
    this.update(result.attemptedAt, { status: 'retrying', leaseExpiresAt: null, claimToken: null, nextAttemptAt: retryAt });
  }

  /** The send may or may not have arrived: resent later with the same Message-ID (`retryAt` null: failed). */
  recordAmbiguous(result: AttemptResult, retryAt: Date | null): void {
    this.addAttempt(result, 'ambiguous');
    if (retryAt === null) return this.fail(result);
    this.update(result.attemptedAt, { status: 'retrying', leaseExpiresAt: null, claimToken: null, nextAttemptAt: retryAt });
  }

  /** Handed back unsent (the provider is down): no attempt is recorded, the schedule is unchanged. */
  defer(now: Date, retryAt: Date): void {
    if (this.state.status !== 'sending') throw new InvalidTransitionError(`notification ${this.id} is ${this.state.status}, not sending`);
    const status = this.state.attempts.length === 0 ? 'pending' : 'retrying';
    this.update(now, { status, leaseExpiresAt: null, claimToken: null, nextAttemptAt: retryAt });
  }

  recordPermanentFailure(result: AttemptResult): void {
    this.addAttempt(result, 'permanent_failure');
    this.fail(result);
  }

  /** An admin's retry of a failed notification: a fresh attempt schedule, history kept. */
  retry(now: Date): void {
    if (this.state.status !== 'failed') {
      throw new InvalidTransitionError(`only a failed notification can be retried; ${this.id} is ${this.state.status}`);
    }
    this.update(now, { status: 'pending', scheduledAttempts: 0, nextAttemptAt: now });
  }

  snapshot(): NotificationSnapshot {
    return this.state;
  }

  private static fresh(fields: NewNotification, now: Date): NotificationSnapshot {
    return {
      ...fields,
      status: 'pending',
      suppressionReason: null,
      attempts: [],
      scheduledAttempts: 0,
      nextAttemptAt: null,
      leaseExpiresAt: null,
      claimToken: null,
      createdAt: now,
      updatedAt: now,
    };
  }

  private addAttempt(result: AttemptResult, expected: AttemptOutcome): void {
    if (this.state.status !== 'sending') {
      throw new InvalidTransitionError(`notification ${this.id} is ${this.state.status}, not sending`);
    }
    if (result.outcome !== expected) throw new InvalidTransitionError(`attempt outcome ${result.outcome} is not ${expected}`);
    const attempt: DeliveryAttempt = { ...result, number: this.state.attempts.length + 1 };
    this.update(result.attemptedAt, {
      attempts: [...this.state.attempts, attempt],
      scheduledAttempts: this.state.scheduledAttempts + 1,
    });
  }

  private fail(result: AttemptResult): void {
    this.update(result.attemptedAt, { status: 'failed', leaseExpiresAt: null, claimToken: null, nextAttemptAt: null });
    this.raise({
      type: 'NotificationFailed',
      ...this.outcomeFields(),
      errorMessage: result.error ?? result.response ?? 'delivery failed',
      retryCount: this.state.attempts.length - 1,
    });
  }

  private update(now: Date, changes: Partial<NotificationSnapshot>): void {
    this.state = { ...this.state, ...changes, updatedAt: now };
  }

  private outcomeFields() {
    const { id, userId, type, channel, recipient, correlationId } = this.state;
    return { notificationId: id, userId, notificationType: type, channel, recipient, correlationId };
  }
}
