import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { NotificationRepository } from '../../application/ports/repositories.js';
import type { AggregateTracker } from '../../application/ports/unit-of-work.js';
import { NotificationRequest, type NotificationSnapshot } from '../../domain/notification-request.js';
import type { Database } from './database.js';
import { changingColumns, creationColumns, toAttempt, toSnapshot } from './notification-rows.js';
import { isUniqueViolation } from './pool.js';
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

  async retryOf(failedId: string): Promise<string | null> {
    const row = await this.db.selectFrom('notifications').select('id').where('retry_of', '=', failedId).executeTakeFirst();
    return row?.id ?? null;
  }

  /**
   * The rows and their new attempts in one statement (data-modifying CTEs over the batch): one
   * round trip however many notifications a transaction records. The new attempts are appended to
   * each row's attempt_history in the same update, as the trigger of migration 20261129T0200 would
   * build them, so it finds nothing to rebuild and the row is written once.
   */
  async save(...notifications: NotificationRequest[]): Promise<void> {
    if (notifications.length === 0) return;
    const snapshots = notifications.map((n) => n.snapshot());
    const changed = JSON.stringify(snapshots.map((s) => ({ id: s.id, ...changingColumns(s) })));
    const fresh = snapshots.flatMap((s) => this.freshAttempts(s));
    if (fresh.length === 0) {
      await sql`${updateRows(changed, sql``)}`.execute(this.db);
    } else {
      const appended = sql`, attempt_history = n.attempt_history || coalesce((select jsonb_agg(jsonb_build_object('number', f.number,
          'attempted_at', f.attempted_at, 'outcome', f.outcome, 'response', f.response, 'error', f.error, 'latency_ms', f.latency_ms)
          order by f.number) from fresh f where f.notification_id = n.id), '[]'::jsonb)`;
      await sql`with fresh as (select * from jsonb_to_recordset(${JSON.stringify(fresh)}::jsonb)
          as a(notification_id uuid, number int, attempted_at timestamptz, outcome text, response text, error text, latency_ms int)),
        updated as (${updateRows(changed, appended)} returning n.id)
        insert into notification_attempts (notification_id, number, attempted_at, outcome, response, error, latency_ms)
        select notification_id, number, attempted_at, outcome, response, error, latency_ms from fresh`.execute(this.db);
    }
    for (const n of notifications) this.tracker.seen(n);
  }

  private async insertAttempts(s: NotificationSnapshot): Promise<void> {
    const fresh = this.freshAttempts(s);
    if (fresh.length > 0) await this.db.insertInto('notification_attempts').values(fresh).execute();
  }

  /** Attempts not stored yet, as rows; from now on they count as stored. */
  private freshAttempts(s: NotificationSnapshot) {
    const fresh = s.attempts.slice(this.storedAttempts.get(s.id) ?? 0);
    this.storedAttempts.set(s.id, s.attempts.length);
    return fresh.map((a) => ({
      notification_id: s.id,
      number: a.number,
      attempted_at: a.attemptedAt,
      outcome: a.outcome,
      response: a.response,
      error: a.error,
      latency_ms: Math.round(a.latencyMs),
    }));
  }
}

/** The update of changingColumns for every row in `changed` (a JSON array), and `more` set alike. */
function updateRows(changed: string, more: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`update notifications n
    set status = c.status, reason = c.reason, template_vars = c.template_vars::jsonb, suppression_reason = c.suppression_reason,
        deferrals = c.deferrals, lease_expiries = c.lease_expiries, next_attempt_at = c.next_attempt_at,
        lease_expires_at = c.lease_expires_at, claim_token = c.claim_token, updated_at = c.updated_at ${more}
    from jsonb_to_recordset(${changed}::jsonb) as c(id uuid, status text, reason text, template_vars text, suppression_reason text,
         deferrals int, lease_expiries int, next_attempt_at timestamptz, lease_expires_at timestamptz, claim_token uuid, updated_at timestamptz)
    where n.id = c.id`;
}
