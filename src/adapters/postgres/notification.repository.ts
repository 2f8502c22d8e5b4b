import type { Kysely } from 'kysely';
import type { NotificationRepository } from '../../application/ports/repositories.js';
import type { AggregateTracker } from '../../application/ports/unit-of-work.js';
import { NotificationRequest, type NotificationSnapshot } from '../../domain/notification-request.js';
import type { Database } from './database.js';
import { attemptsOf, toSnapshot } from './notification-rows.js';

function columns(s: NotificationSnapshot) {
  return {
    status: s.status,
    suppression_reason: s.suppressionReason,
    scheduled_attempts: s.scheduledAttempts,
    next_attempt_at: s.nextAttemptAt,
    lease_expires_at: s.leaseExpiresAt,
    claim_token: s.claimToken,
    updated_at: s.updatedAt,
  };
}

export class KyselyNotificationRepository implements NotificationRepository {
  /** Attempts already stored per loaded notification: `save` inserts only the new ones. */
  private readonly storedAttempts = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly tracker: AggregateTracker,
  ) {}

  /**
   * Locks the row for the rest of the transaction: an aggregate is loaded here only to change it,
   * and a claim taken over meanwhile (SKIP LOCKED skips this row) must not be overwritten.
   */
  async get(id: string): Promise<NotificationRequest | null> {
    const row = await this.db.selectFrom('notifications').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) return null;
    const attempts = (await attemptsOf(this.db, [id])).get(id) ?? [];
    this.storedAttempts.set(id, attempts.length);
    return this.tracker.seen(NotificationRequest.restore(toSnapshot(row, attempts)));
  }

  async add(notification: NotificationRequest): Promise<void> {
    const s = notification.snapshot();
    await this.db
      .insertInto('notifications')
      .values({
        id: s.id,
        user_id: s.userId,
        type: s.type,
        channel: s.channel,
        recipient: s.recipient,
        subject: s.content.subject,
        body: s.content.body,
        template_vars: JSON.stringify(s.content.templateVars),
        correlation_id: s.correlationId,
        source_event_id: s.sourceEventId,
        created_at: s.createdAt,
        ...columns(s),
      })
      .execute();
    await this.insertAttempts(s, 0);
    this.tracker.seen(notification);
  }

  async save(notification: NotificationRequest): Promise<void> {
    const s = notification.snapshot();
    await this.db.updateTable('notifications').set(columns(s)).where('id', '=', s.id).execute();
    await this.insertAttempts(s, this.storedAttempts.get(s.id) ?? 0);
    this.tracker.seen(notification);
  }

  private async insertAttempts(s: NotificationSnapshot, alreadyStored: number): Promise<void> {
    const fresh = s.attempts.slice(alreadyStored);
    this.storedAttempts.set(s.id, s.attempts.length);
    if (fresh.length === 0) return;
    await this.db
      .insertInto('notification_attempts')
      .values(
        fresh.map((a) => ({
          notification_id: s.id,
          number: a.number,
          attempted_at: a.attemptedAt,
          outcome: a.outcome,
          response: a.response,
          error: a.error,
          latency_ms: Math.round(a.latencyMs),
        })),
      )
      .execute();
  }
}
