import { sql } from 'kysely';
import type { HistoryPage, HistoryReadModel, NotificationView, PreferencesReadModel, PreferencesView } from '../../application/ports/read-models.js';
import { InvalidValueError } from '../../domain/errors.js';
import { VIEW_COLUMNS, toView } from './notification-rows.js';
import { PREFERENCES_VIEW_COLUMNS, preferencesViewOf } from './preferences-rows.js';
import type { ReadRouter } from './read-router.js';
import { isUuid } from './uuid.js';

export class KyselyPreferencesReadModel implements PreferencesReadModel {
  constructor(private readonly router: ReadRouter) {}

  async find(userId: string): Promise<PreferencesView | null> {
    // Named columns, never selectAll: the webhook's secrets stay in the table.
    const row = await this.router.read((db) =>
      db.selectFrom('notification_preferences').select(PREFERENCES_VIEW_COLUMNS).where('user_id', '=', userId).executeTakeFirst(),
    );
    return row ? preferencesViewOf(row) : null;
  }
}

interface Cursor {
  readonly createdAt: Date;
  readonly id: string;
}

// Exactly what toISOString writes for years 0000-9999, all of which PostgreSQL stores. Anything
// else (year 275760, or one before 4713 BC, which it refuses) is no cursor of ours: a 400, not a
// query that fails with "timestamp out of range".
const ISSUED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function encodeCursor({ createdAt, id }: Cursor): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && ISSUED_AT.test(at) && typeof id === 'string' && isUuid(id)) {
      // The round trip refuses dates that do not exist (2026-02-30): toISOString throws or differs.
      const createdAt = new Date(at);
      if (createdAt.toISOString() === at) return { createdAt, id };
    }
  } catch {
    // falls through to the error below
  }
  throw new InvalidValueError('cursor', 'is not a cursor this service issued');
}

export class KyselyHistoryReadModel implements HistoryReadModel {
  constructor(private readonly router: ReadRouter) {}

  async find(notificationId: string): Promise<NotificationView | null> {
    if (!isUuid(notificationId)) return null;
    const row = await this.router.read((db) => db.selectFrom('notifications').select(VIEW_COLUMNS).where('id', '=', notificationId).executeTakeFirst());
    return row ? toView(row) : null;
  }

  async page(userId: string, limit: number, cursor: string | null): Promise<HistoryPage> {
    const after = cursor === null ? null : decodeCursor(cursor);
    return this.router.read(async (db) => {
      // Only what the view shows: no content or template variables to fetch and parse. The attempts
      // come from the row's attempt_history, so a page reads one row per notification.
      let query = db
        .selectFrom('notifications')
        .select(VIEW_COLUMNS)
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (after) query = query.where(sql<boolean>`(created_at, id) < (${after.createdAt}, ${after.id}::uuid)`);
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      const notifications = page.map(toView);
      const last = page.at(-1);
      return { notifications, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null };
    });
  }
}
