import type { Channel } from '../../domain/notification-type.js';
import type { Kysely } from 'kysely';
import type { FailedChunk, NotificationRepository } from '../../application/ports/repositories.js';
import type { FailedFilter, FailedPosition } from '../../domain/bulk-retry.js';
import type { AggregateTracker } from '../../application/ports/unit-of-work.js';
import { NotificationRequest, type NotificationSnapshot } from '../../domain/notification-request.js';
import type { Database } from './database.js';
import { changingColumns, creationColumns, toAttempt, toSnapshot } from './notification-rows.js';
import { type AttemptRow, attemptRow, saveStatement } from './notification-save.js';
import { isUniqueViolation } from './pool.js';
import { retryableFailures } from './retryable-failures.js';
import { ConcurrentModificationError } from '../../domain/errors.js';

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
    return (await this.getMany([id])).get(id) ?? null;
  }

  /** Locks in id order, so that two transactions locking overlapping sets cannot deadlock. */
  async getMany(ids: readonly string[]): Promise<Map<string, NotificationRequest>> {
    const loaded = new Map<string, NotificationRequest>();
    if (ids.length === 0) return loaded;
    const rows = await this.db.selectFrom('notifications').selectAll().where('id', 'in', [...new Set(ids)]).orderBy('id').forUpdate().execute();
    for (const row of rows) {
      // The projection of the ledger, kept in the same transaction by a trigger: one query, not two.
      const stored = row.attempt_history.map(toAttempt);
      this.storedAttempts.set(row.id, stored.length);
      loaded.set(row.id, this.tracker.seen(NotificationRequest.restore(toSnapshot(row, stored))));
    }
    return loaded;
  }

  async add(notification: NotificationRequest): Promise<void> {
    const s = notification.snapshot();
    try {
      await this.db.insertInto('notifications').values({ ...creationColumns(s), ...changingColumns(s) }).execute();
    } catch (error) {
      // notifications_retry_of: another admin retried the same failed notification at the same time.
      if (isUniqueViolation(error, 'notifications_retry_of')) throw new ConcurrentModificationError(`notification ${s.retryOf ?? s.id} was retried meanwhile`);
      throw error;
    }
    await this.insertAttempts(s);
    this.tracker.seen(notification);
  }

  async byProviderMessageId(channel: Channel, providerMessageId: string): Promise<NotificationRequest | null> {
    const row = await this.db.selectFrom('notifications').select('id').where('channel', '=', channel).where('provider_message_id', '=', providerMessageId).executeTakeFirst();
    return row ? this.get(row.id) : null;
  }

  async retryOf(failedId: string): Promise<string | null> {
    const row = await this.db.selectFrom('notifications').select('id').where('retry_of', '=', failedId).executeTakeFirst();
    return row?.id ?? null;
  }

  /** Through notifications_fallbacks (partial: only the rows that fell back). */
  async fallbacksOf(id: string): Promise<string[]> {
    const rows = await this.db.selectFrom('notifications').select('id').where('fallback_of', '=', id).orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  /**
   * SKIP LOCKED: two bulk retries at once take different rows. A row is re-checked once locked: a
   * retry committed after this statement's snapshot but before its lock (the other transaction held
   * it) is seen by the next statement, and that row is left out.
   */
  async failedToRetry(filter: FailedFilter, after: FailedPosition | null, limit: number): Promise<FailedChunk> {
    const rows = await retryableFailures(this.db, filter, after).select(['n.id', 'n.updated_at']).orderBy('n.updated_at').orderBy('n.id').limit(limit).forUpdate().skipLocked().execute();
    const lastRow = rows.at(-1);
    if (!lastRow) return { notifications: [], last: null, exhausted: true };
    const ids = rows.map((r) => r.id);
    const retried = await this.db.selectFrom('notifications').select('retry_of').where('retry_of', 'in', ids).execute();
    const taken = new Set(retried.map((r) => r.retry_of));
    const loaded = await this.getMany(ids.filter((id) => !taken.has(id)));
    const notifications = ids.flatMap((id) => loaded.get(id) ?? []);
    return { notifications, last: { failedAt: lastRow.updated_at, id: lastRow.id }, exhausted: rows.length < limit };
  }

  /**
   * Every snapshot's changes and new attempts in one statement (saveStatement): one round trip
   * however many notifications a transaction records, one row version each.
   */
  async save(...notifications: NotificationRequest[]): Promise<void> {
    if (notifications.length === 0) return;
    const snapshots = notifications.map((n) => n.snapshot());
    if (new Set(snapshots.map((s) => s.id)).size !== snapshots.length) throw new Error('save: the same notification twice in one write');
    await saveStatement(snapshots, snapshots.flatMap((s) => this.freshAttempts(s))).execute(this.db);
    for (const n of notifications) this.tracker.seen(n);
  }

  private async insertAttempts(s: NotificationSnapshot): Promise<void> {
    const fresh = this.freshAttempts(s);
    if (fresh.length > 0) await this.db.insertInto('notification_attempts').values(fresh).execute();
  }

  /** Attempts not stored yet, as rows; from now on they count as stored. */
  private freshAttempts(s: NotificationSnapshot): AttemptRow[] {
    const fresh = s.attempts.slice(this.storedAttempts.get(s.id) ?? 0);
    this.storedAttempts.set(s.id, s.attempts.length);
    return fresh.map((a) => attemptRow(s.id, a));
  }
}
