import { type Kysely, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import type { NotificationFilter, NotificationRecord, NotificationSearchReadModel, SearchPage, SearchWindow } from '../../application/ports/notification-search.js';
import { CHANNELS } from '../../domain/notification-type.js';
import type { Database } from './database.js';
import { type KeysetCursor, decodeCursor, encodeCursor } from './keyset-cursor.js';
import { VIEW_COLUMNS, toAttempt, toSnapshot, toView } from './notification-rows.js';
import type { ReadRouter } from './read-router.js';
import { isUuid } from './uuid.js';

/** The prefix notifications_by_recipient holds (migration 20261129T0910): the expression must be the same. */
const RECIPIENT_PREFIX = 200;

type ViewRow = Pick<Selectable<Database['notifications']>, (typeof VIEW_COLUMNS)[number]>;
type KeyQuery = SelectQueryBuilder<Database, 'notifications', Pick<ViewRow, 'id' | 'created_at'>>;
const COLUMNS = sql.join(VIEW_COLUMNS.map((column) => sql.ref(`n.${column}`)));

/**
 * GET /notifications on the indexes of migrations 20261129T0945 and 0970 (ADR 23). Each index is
 * walked newest first after an equality prefix (none: notifications_by_created, for no filter or
 * dates alone); a status without a channel leaves the channel open before created_at in
 * notifications_by_status, as a type alone does in notifications_by_channel_type: one walk per
 * channel, merged (UNION ALL under one ORDER BY: a Merge Append that stops after the page). The walks read keys only (created_at, id: from the index alone where the
 * visibility map allows), and the page's rows are then read by id: a deep page or a rare value
 * reads index entries, not a heap page per skipped row.
 */
export class KyselyNotificationSearchReadModel implements NotificationSearchReadModel {
  constructor(private readonly router: ReadRouter) {}

  async search(filter: NotificationFilter, window: SearchWindow): Promise<SearchPage> {
    const after = window.cursor === null ? null : decodeCursor(window.cursor);
    const open = this.openPrefix(filter);
    return this.router.read(async (db) => {
      const take = window.limit + 1;
      const walks = open.map((one) => walk(db, one, after));
      const keys =
        walks.length === 1
          ? (walks[0] as KeyQuery).limit(take).offset(window.offset)
          : sql`select * from (${sql.join(walks.map((w) => sql`(${w.limit(window.offset + take)})`), sql` union all `)}) k
              order by created_at desc, id desc limit ${take} offset ${window.offset}`;
      const { rows } = await sql<ViewRow>`select ${COLUMNS} from (${keys}) p join notifications n on n.id = p.id order by p.created_at desc, p.id desc`.execute(db);
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
   * The filter as one walk per value of the index column it leaves open before created_at: a status
   * alone or with a type, one branch per channel (notifications_by_status leads with status and
   * channel; a type is read from its entries); a type alone, one branch per channel
   * (notifications_by_channel_type). Anything else is one statement: a status with a channel is
   * one exact walk, a channel alone the walk by time filtered (a common channel) or the channel's
   * entries sorted (a rare one), whichever the planner finds shorter.
   */
  private openPrefix(filter: NotificationFilter): readonly NotificationFilter[] {
    const { userId, recipient, orderId, status, channel, type } = filter;
    const narrowed = userId !== null || recipient !== null || orderId !== null || channel !== null;
    return narrowed || (status === null && type === null) ? [filter] : CHANNELS.map((c) => ({ ...filter, channel: c }));
  }
}

interface EventJson {
  readonly event_type: string;
  readonly routing_key: string;
  readonly created_at: string;
  readonly published_at: string | null;
}

/** The keys of the filter's rows newest first, after the cursor's row. */
function walk(db: Kysely<Database>, f: NotificationFilter, after: KeysetCursor | null): KeyQuery {
  let query = db.selectFrom('notifications').select(['id', 'created_at']);
  const equal = [['user_id', f.userId], ['recipient', f.recipient], ['status', f.status], ['channel', f.channel], ['type', f.type], ['order_id', f.orderId]] as const;
  for (const [column, value] of equal) if (value !== null) query = query.where(column, '=', value);
  if (f.recipient !== null) query = query.where(sql<boolean>`left(recipient, ${sql.lit(RECIPIENT_PREFIX)}) = left(${f.recipient}, ${sql.lit(RECIPIENT_PREFIX)})`);
  if (f.createdFrom !== null) query = query.where('created_at', '>=', f.createdFrom);
  if (f.createdTo !== null) query = query.where('created_at', '<', f.createdTo);
  if (after) query = query.where(sql<boolean>`(created_at, id) < (${after.createdAt}, ${after.id}::uuid)`);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc');
}
