import type { Kysely } from 'kysely';
import type { PreferencesRepository } from '../../application/ports/repositories.js';
import type { AggregateTracker } from '../../application/ports/unit-of-work.js';
import { ConcurrentModificationError, PreferencesAlreadyExistError } from '../../domain/errors.js';
import { NotificationPreferences } from '../../domain/notification-preferences.js';
import type { UserId } from '../../domain/user-id.js';
import type { Database } from './database.js';
import { isUniqueViolation } from './pool.js';
import { preferencesColumns, toPreferencesSnapshot } from './preferences-rows.js';

export class KyselyPreferencesRepository implements PreferencesRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly tracker: AggregateTracker,
  ) {}

  async get(userId: UserId): Promise<NotificationPreferences | null> {
    const row = await this.db.selectFrom('notification_preferences').selectAll().where('user_id', '=', userId.value).executeTakeFirst();
    return row ? this.tracker.seen(NotificationPreferences.restore(toPreferencesSnapshot(row))) : null;
  }

  async add(preferences: NotificationPreferences): Promise<void> {
    const s = preferences.snapshot();
    try {
      await this.db
        .insertInto('notification_preferences')
        .values({ user_id: s.userId, created_at: s.createdAt, ...preferencesColumns(s) })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new PreferencesAlreadyExistError(s.userId);
      throw error;
    }
    this.tracker.seen(preferences);
  }

  async save(preferences: NotificationPreferences): Promise<void> {
    const s = preferences.snapshot();
    const result = await this.db
      .updateTable('notification_preferences')
      .set(preferencesColumns(s))
      .where('user_id', '=', s.userId)
      .where('version', '=', preferences.loadedVersion)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) {
      throw new ConcurrentModificationError(`preferences of user ${JSON.stringify(s.userId)} changed meanwhile`);
    }
    this.tracker.seen(preferences);
  }
}
