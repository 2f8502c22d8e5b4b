import { sql } from 'kysely';
import type { HistoryPage, HistoryReadModel, NotificationView, PreferencesReadModel, PreferencesView } from '../../application/ports/read-models.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';
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
