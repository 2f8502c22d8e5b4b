import { type Kysely, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import type { NotificationFilter, NotificationRecord, NotificationSearchReadModel, SearchPage, SearchWindow } from '../../application/ports/notification-search.js';
import { NOTIFICATION_STATUSES } from '../../domain/notification-status.js';
import { CHANNELS } from '../../domain/notification-type.js';
import type { Database } from './database.js';
import { type KeysetCursor, decodeCursor, encodeCursor } from './keyset-cursor.js';
import { VIEW_COLUMNS, toAttempt, toSnapshot, toView } from './notification-rows.js';
import type { ReadRouter } from './read-router.js';
import { isUuid } from './uuid.js';

/** The prefix notifications_by_recipient holds (migration 20261129T0910): the expression must be the same. */
const RECIPIENT_PREFIX = 200;

type ViewRow = Pick<Selectable<Database['notifications']>, (typeof VIEW_COLUMNS)[number]>;
type ViewQuery = SelectQueryBuilder<Database, 'notifications', ViewRow>;

/**
 * GET /notifications on the indexes of migration 20261129T0910 (ADR 23). Each index is walked
 * newest first after an equality prefix (none: notifications_by_created, for no filter or dates
 * alone); a filter that leaves a prefix open (a channel alone: the type; a type alone: the channel)
 * becomes one walk per value of the open column, merged (UNION ALL under one ORDER BY: a Merge Append that stops after the page).
 */
export class KyselyNotificationSearchReadModel implements NotificationSearchReadModel {
  constructor(private readonly router: ReadRouter) {}

  async search(filter: NotificationFilter, window: SearchWindow): Promise<SearchPage> {
    const after = window.cursor === null ? null : decodeCursor(window.cursor);
    const open = await this.openPrefix(filter);
    return this.router.read(async (db) => {
      const take = window.offset + window.limit + 1;
      const walks = open.map((one) => walk(db, one, after).limit(take));
      const rows =
        walks.length === 1
          ? await (walks[0] as ViewQuery).offset(window.offset).execute()
          : (await sql<ViewRow>`select * from (${sql.join(walks.map((w) => sql`(${w})`), sql` union all `)}) n
              order by created_at desc, id desc limit ${window.limit + 1} offset ${window.offset}`.execute(db)).rows;
      const page = rows.slice(0, window.limit);
      const last = page.at(-1);
      return { notifications: page.map(toView), nextCursor: rows.length > window.limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null };
    });
  }

  async record(notificationId: string): Promise<NotificationRecord | null> {
    if (!isUuid(notificationId)) return null;
    const row = await this.router.read((db) =>
      db
        .selectFrom('notifications as n')
        .selectAll('n')
        .select([
          sql<string | null>`(select r.id::text from notifications r where r.retry_of = n.id)`.as('retried_by'),
          sql<string[]>`array(select f.id::text from notifications f where f.fallback_of = n.id order by f.created_at, f.id)`.as('fallbacks'),
          sql<EventJson[]>`coalesce((select jsonb_agg(jsonb_build_object('event_type', o.event_type, 'routing_key', o.routing_key, 'created_at', o.created_at, 'published_at', o.published_at)
              order by o.created_at, o.id) from outbox o where o.payload ->> 'notification_id' = n.id::text), '[]'::jsonb)`.as('events'),
        ])
        .where('n.id', '=', notificationId)
        .executeTakeFirst(),
    );
    if (!row) return null;
    const { retried_by, fallbacks, events, ...notification } = row;
    return {
      snapshot: toSnapshot(notification, notification.attempt_history.map(toAttempt)),
      retriedBy: retried_by,
      fallbacks,
      events: events.map((e) => ({ eventType: e.event_type, routingKey: e.routing_key, createdAt: new Date(e.created_at), publishedAt: e.published_at === null ? null : new Date(e.published_at) })),
    };
  }

  async types(): Promise<readonly string[]> {
    const rows = await this.router.read((db) => db.selectFrom('templates').select('key').orderBy('key').execute());
    return rows.map((r) => r.key);
  }

  /**
   * The filter as one walk per value of the index column it leaves open before created_at. A status
   * with a type or a channel walks notifications_by_channel_type too, one branch per channel or per
   * type, each with its status: each branch is one (channel, type, status) equality, for which the
   * planner picks the smaller of the two walks (a rare type among common statuses reads only that
   * type's rows, not every `sent` row). Beyond MAX_TYPE_BRANCHES template keys, a channel is a
   * filter on the walk of the statuses instead, so the statement stays small.
   */
  private async openPrefix(filter: NotificationFilter): Promise<readonly NotificationFilter[]> {
    const { userId, recipient, orderId, status, channel, type } = filter;
    if (userId !== null || recipient !== null || orderId !== null || (channel !== null && type !== null)) return [filter];
    if (type !== null) return CHANNELS.map((c) => ({ ...filter, channel: c }));
    if (channel !== null) {
      const types = await this.types();
      if (types.length <= MAX_TYPE_BRANCHES) return types.map((t) => ({ ...filter, type: t }));
    }
    if (status !== null || channel === null) return [filter];
    return NOTIFICATION_STATUSES.map((s) => ({ ...filter, status: s }));
  }
}

/** Template keys merged as branches at most; more, and a channel filters the walk of the statuses. */
export const MAX_TYPE_BRANCHES = 50;

interface EventJson {
  readonly event_type: string;
  readonly routing_key: string;
  readonly created_at: string;
  readonly published_at: string | null;
}

/** The filter's rows newest first, after the cursor's row. */
function walk(db: Kysely<Database>, f: NotificationFilter, after: KeysetCursor | null): ViewQuery {
  let query = db.selectFrom('notifications').select(VIEW_COLUMNS);
  const equal = [['user_id', f.userId], ['recipient', f.recipient], ['status', f.status], ['channel', f.channel], ['type', f.type], ['order_id', f.orderId]] as const;
  for (const [column, value] of equal) if (value !== null) query = query.where(column, '=', value);
  if (f.recipient !== null) query = query.where(sql<boolean>`left(recipient, ${sql.lit(RECIPIENT_PREFIX)}) = left(${f.recipient}, ${sql.lit(RECIPIENT_PREFIX)})`);
  if (f.createdFrom !== null) query = query.where('created_at', '>=', f.createdFrom);
  if (f.createdTo !== null) query = query.where('created_at', '<', f.createdTo);
  if (after) query = query.where(sql<boolean>`(created_at, id) < (${after.createdAt}, ${after.id}::uuid)`);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc');
}
