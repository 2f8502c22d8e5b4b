import type { Kysely } from 'kysely';
import type { PreferencesRepository } from '../../application/ports/repositories.js';
import type { AggregateTracker } from '../../application/ports/unit-of-work.js';
import { ConcurrentModificationError, PreferencesAlreadyExistError } from '../../domain/errors.js';
import { NotificationPreferences } from '../../domain/notification-preferences.js';
import type { UserId } from '../../domain/user-id.js';
import type { Database } from './database.js';
import { isUniqueViolation } from './pool.js';

export class KyselyPreferencesRepository implements PreferencesRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly tracker: AggregateTracker,
  ) {}

  async get(userId: UserId): Promise<NotificationPreferences | null> {
    const row = await this.db
      .selectFrom('notification_preferences')
      .selectAll()
      .where('user_id', '=', userId.value)
      .executeTakeFirst();
    if (!row) return null;
    return this.tracker.seen(
      NotificationPreferences.restore({
        userId: row.user_id,
        notificationEmail: row.notification_email,
        preferences: row.preferences,
        version: row.version,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      }),
    );
  }

  async add(preferences: NotificationPreferences): Promise<void> {
    const s = preferences.snapshot();
    try {
      await this.db
        .insertInto('notification_preferences')
        .values({
          user_id: s.userId,
          notification_email: s.notificationEmail,
          preferences: JSON.stringify(s.preferences),
          version: s.version,
          created_at: s.createdAt,
          updated_at: s.updatedAt,
        })
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
      .set({
        notification_email: s.notificationEmail,
        preferences: JSON.stringify(s.preferences),
        version: s.version,
        updated_at: s.updatedAt,
      })
      .where('user_id', '=', s.userId)
      .where('version', '=', preferences.loadedVersion)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) {
      throw new ConcurrentModificationError(`preferences of user ${JSON.stringify(s.userId)} changed meanwhile`);
    }
    this.tracker.seen(preferences);
  }
}
