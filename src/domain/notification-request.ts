import { AggregateRoot } from './aggregate-root.js';
import { type AttemptTiming, type DeliveryAttempt, attemptOf, countedAttempts } from './delivery-attempt.js';
import { InvalidTransitionError } from './errors.js';
import type { DeliveryReceipt, NewNotification, NotificationContent, NotificationSnapshot } from './notification-snapshot.js';
import type { FailureReason, NotificationStatus, SuppressionReason } from './notification-status.js';
import type { RetrySchedule } from './retry-schedule.js';
import type { RejectedAddress, SendOutcome } from './send-outcome.js';

/** A retry the plan puts past a notification's expiry is moved to this long before the expiry. */
const LAST_CHANCE_MS = 1_000;

export type { DeliveryReceipt, NewNotification, NotificationContent, NotificationSnapshot } from './notification-snapshot.js';

/** Provider-down answers in a row recorded as attempts; later ones only count in `deferrals`. */
export const RECORDED_DEFERRALS = 5;

/** One notification to one recipient on one channel, from request to final outcome. */
export class NotificationRequest extends AggregateRoot {
  private constructor(private state: NotificationSnapshot) {
    super();
  }

  static request(fields: NewNotification, now: Date, retryOf: string | null = null): NotificationRequest {
    return NotificationRequest.recorded({ ...fresh(fields, now), retryOf, nextAttemptAt: now });
  }

  /** Recorded, never sent, so that on-call can see why. */
  static suppress(fields: NewNotification, reason: SuppressionReason, now: Date): NotificationRequest {
    const suppressed: NotificationSnapshot = { ...fresh(fields, now), status: 'suppressed', reason };
    return NotificationRequest.recorded({ ...suppressed, content: withoutSecrets(suppressed) });
  }

  /**
   * Held until `until` (the end of the recipient's quiet hours): `scheduled`, then claimed as any
   * due notification is; its expiry still applies (failed `expired` rather than sent late).
   */
  static hold(fields: NewNotification, until: Date, now: Date): NotificationRequest {
    return NotificationRequest.recorded({ ...fresh(fields, now), status: 'scheduled', reason: 'quiet_hours', nextAttemptAt: until });
  }

  /** An admin's retry: a new notification with the failed one's content, so each keeps one outcome. */
  static retryOf(failed: NotificationRequest, id: string, now: Date): NotificationRequest {
    const s = failed.state;
    if (s.status !== 'failed') throw new InvalidTransitionError(`only a failed notification can be retried; ${s.id} is ${s.status}`);
    if (s.secretVariables.length > 0) {
      throw new InvalidTransitionError(`notification ${s.id} cannot be resent: its one-time ${s.secretVariables.join(', ')} was erased when it failed; ask for a new one`);
    }
    // A retry is sent now: the original's expiry does not carry over (on-call asked for it).
    const { type, channel, recipient, fromProfile, content, priority, userId, correlationId, orderId, sourceEventId, secretVariables, templateVersion, locale, timeZone } = s;
    // Nor does its fallback: on-call asked for this channel.
    const fields = { id, type, channel, recipient, fromProfile, content, priority, userId, correlationId, orderId, sourceEventId, secretVariables, templateVersion, locale, timeZone, expiresAt: null, fallback: [], fallbackOf: null };
    return NotificationRequest.request(fields, now, s.id);
  }

  static restore(snapshot: NotificationSnapshot): NotificationRequest {
    return new NotificationRequest(snapshot);
  }

  private static recorded(state: NotificationSnapshot): NotificationRequest {
    const notification = new NotificationRequest(state);
    const { id, type, channel, status, reason, priority } = state;
    notification.raise({
      type: 'NotificationRecorded',
      notificationId: id,
      notificationType: type,
      channel,
      priority,
      status: status === 'suppressed' || status === 'scheduled' ? status : 'pending',
      reason,
    });
    return notification;
  }

  get id(): string {
    return this.state.id;
  }

  get status(): NotificationStatus {
    return this.state.status;
  }

  /** False once the lease expired and another worker took the notification over. */
  holdsClaim(claimToken: string): boolean {
    return this.state.status === 'sending' && this.state.claimToken === claimToken;
  }

  /** Records what the sender answered and moves on: sent, retrying, deferred or failed. */
  record(outcome: SendOutcome, timing: AttemptTiming, schedule: RetrySchedule): void {
    this.mustBeSending();
    const now = timing.attemptedAt;
    // Its worker came back with an answer: earlier expired leases say nothing about this send.
    this.update(now, { leaseExpiries: 0 });
    if (outcome.kind === 'provider_down') return this.deferred(outcome, timing, schedule);
    this.addAttempt(outcome, timing, 0);
    if (outcome.rejected?.length) this.rejected(outcome.rejected, now);
    if (outcome.kind === 'accepted') return this.accepted(timing, outcome.providerMessageId);
    if (outcome.kind === 'permanent') return this.fail(now, 'permanent_failure', outcome.error);
    const retryAfterMs = outcome.kind === 'transient' ? outcome.retryAfterMs : undefined;
    const retryAt = schedule.retryAt(this.state.priority, countedAttempts(this.state.attempts), now, retryAfterMs);
    if (retryAt === null) return this.fail(now, 'retries_exhausted', outcome.error);
    const nextAttemptAt = this.beforeExpiry(retryAt, now);
    if (nextAttemptAt === null) return this.fail(now, 'expired', `${outcome.error}; no time is left for another attempt before its expiry`);
    this.update(now, { status: 'retrying', leaseExpiresAt: null, claimToken: null, nextAttemptAt });
  }

  /** Claimed again after too many expired leases: failed rather than resent for ever. */
  abandon(now: Date, reason: Extract<FailureReason, 'lease_expired'>): void {
    this.mustBeSending();
    this.fail(now, reason, `claimed after ${this.state.leaseExpiries} expired leases: its sends never completed`);
  }

  /**
   * Held for quiet hours and claimed when they ended, but the recipient's choices now say no (an
   * opt-out, a STOP): suppressed, never sent. No outcome event, as for any suppressed notification.
   */
  withdraw(reason: SuppressionReason, now: Date): void {
    this.mustBeSending();
    this.update(now, { status: 'suppressed', reason, leaseExpiresAt: null, claimToken: null, nextAttemptAt: null, content: withoutSecrets(this.state) });
  }

  /** Claimed at or after its expiry: failed `expired`, never sent late. */
  expire(now: Date): void {
    this.mustBeSending();
    const { expiresAt } = this.state;
    if (expiresAt === null || now < expiresAt) throw new InvalidTransitionError(`notification ${this.id} has not expired`);
    this.fail(now, 'expired', `expired at ${expiresAt.toISOString()} before it could be sent`);
  }

  /**
   * A delivery receipt for the sent message: the latest report the provider sent is kept (a
   * status callback may come more than once). It changes no status and raises no outcome event:
   * the one published at acceptance stays the notification's only final outcome.
   */
  recordReceipt(receipt: DeliveryReceipt): void {
    if (this.state.status !== 'sent') throw new InvalidTransitionError(`notification ${this.id} is ${this.state.status}: only a sent one has receipts`);
    if (this.state.receipt && this.state.receipt.at > receipt.at) return;
    this.update(receipt.at, { receipt });
  }

  snapshot(): NotificationSnapshot {
    return this.state;
  }

  /**
   * Provider down: no attempt used. The first few in a row are shown in the history when the
   * provider was contacted; after that only `deferrals` counts them, so a long outage adds no rows.
   */
  private deferred(outcome: Extract<SendOutcome, { kind: 'provider_down' }>, timing: AttemptTiming, schedule: RetrySchedule): void {
    if (outcome.busy) return this.waitForRoom(timing.attemptedAt, outcome.retryAfterMs ?? 0);
    const deferrals = this.state.deferrals + 1;
    if (outcome.attempted && deferrals <= RECORDED_DEFERRALS) this.addAttempt(outcome, timing, deferrals);
    const status = countedAttempts(this.state.attempts) === 0 ? 'pending' : 'retrying';
    const nextAttemptAt = this.beforeExpiry(schedule.deferUntil(deferrals, timing.attemptedAt, outcome.retryAfterMs), timing.attemptedAt);
    if (nextAttemptAt === null) return this.fail(timing.attemptedAt, 'expired', `${outcome.error}; no time is left for another attempt before its expiry`);
    this.update(timing.attemptedAt, { status, deferrals, leaseExpiresAt: null, claimToken: null, nextAttemptAt });
  }

  /** Our own room for the receiver was full: tried again shortly, no deferral counted (its backoff is the outage's). */
  private waitForRoom(now: Date, retryAfterMs: number): void {
    const status = countedAttempts(this.state.attempts) === 0 ? 'pending' : 'retrying';
    const nextAttemptAt = this.beforeExpiry(new Date(now.getTime() + retryAfterMs), now);
    if (nextAttemptAt === null) return this.fail(now, 'expired', 'no time is left for another attempt before its expiry');
    this.update(now, { status, leaseExpiresAt: null, claimToken: null, nextAttemptAt });
  }

  private accepted({ attemptedAt, latencyMs }: AttemptTiming, providerMessageId: string | null): void {
    this.update(attemptedAt, { status: 'sent', providerMessageId, leaseExpiresAt: null, claimToken: null, content: withoutSecrets(this.state) });
    const deliveryTimeMs = Math.max(0, Math.round(attemptedAt.getTime() + latencyMs - this.state.createdAt.getTime()));
    this.raise({ type: 'NotificationSent', ...this.outcomeFields(), providerMessageId, deliveryTimeMs });
  }

  /** The provider named addresses that will never work: the profile and the suppressions learn of them. */
  private rejected(addresses: readonly RejectedAddress[], at: Date): void {
    const { id: notificationId, userId, channel } = this.state;
    this.raise({ type: 'AddressesRejected', notificationId, userId, channel, addresses, at });
  }

  private fail(now: Date, reason: FailureReason, error: string): void {
    if (reason === 'permanent_failure' && this.state.fallback.length > 0) this.fallBack();
    this.update(now, { status: 'failed', reason, leaseExpiresAt: null, claimToken: null, nextAttemptAt: null, content: withoutSecrets(this.state) });
    this.raise({
      type: 'NotificationFailed',
      ...this.outcomeFields(),
      reason,
      errorMessage: error,
      retryCount: Math.max(0, countedAttempts(this.state.attempts) - 1),
    });
  }

  /** The next channels are tried with the content as asked (its one-time secrets not yet erased). */
  private fallBack(): void {
    const { id, userId, type, fallback, templateVersion, content, priority, locale, expiresAt, correlationId, sourceEventId } = this.state;
    this.raise({ type: 'FallbackDue', notificationId: id, userId, notificationType: type, channels: fallback, templateVersion, content, priority, locale, expiresAt, correlationId, sourceEventId });
  }

  private addAttempt(outcome: SendOutcome, timing: AttemptTiming, deferrals: number): void {
    const attempt: DeliveryAttempt = { ...attemptOf(outcome, timing), number: this.state.attempts.length + 1 };
    this.update(timing.attemptedAt, { attempts: [...this.state.attempts, attempt], deferrals });
  }

  /**
   * When to try next: at `at`, or, when that would be at or after the expiry, one last time a
   * moment before it (a backoff of minutes must not give up on a notification that still has
   * seconds to go); null when not even that moment is left.
   */
  private beforeExpiry(at: Date, now: Date): Date | null {
    const { expiresAt } = this.state;
    if (expiresAt === null || at < expiresAt) return at;
    const lastChance = new Date(expiresAt.getTime() - LAST_CHANCE_MS);
    return lastChance > now ? lastChance : null;
  }

  private mustBeSending(): void {
    if (this.state.status !== 'sending') throw new InvalidTransitionError(`notification ${this.id} is ${this.state.status}, not sending`);
  }

  private update(now: Date, changes: Partial<NotificationSnapshot>): void {
    this.state = { ...this.state, ...changes, updatedAt: now };
  }

  private outcomeFields() {
    const { id, userId, type, channel, recipient, correlationId } = this.state;
    return { notificationId: id, userId, notificationType: type, channel, recipient, correlationId };
  }
}

/**
 * The content with its one-time secrets (verify and reset tokens) taken out: once a notification
 * is final nothing will render it again, and a token at rest is one more copy to leak. Erased in
 * the same write that makes it final, so no second write per notification is needed.
 */
function withoutSecrets({ content, secretVariables }: NotificationSnapshot): NotificationContent {
  if (!secretVariables.some((name) => Object.hasOwn(content.templateVars, name))) return content;
  const templateVars = Object.fromEntries(Object.entries(content.templateVars).filter(([name]) => !secretVariables.includes(name)));
  return { ...content, templateVars };
}

function fresh(fields: NewNotification, now: Date): NotificationSnapshot {
  return {
    ...fields,
    status: 'pending',
    reason: null,
    attempts: [],
    deferrals: 0,
    leaseExpiries: 0,
    nextAttemptAt: null,
    leaseExpiresAt: null,
    claimToken: null,
    retryOf: null,
    providerMessageId: null,
    receipt: null,
    createdAt: now,
    updatedAt: now,
  };
}
