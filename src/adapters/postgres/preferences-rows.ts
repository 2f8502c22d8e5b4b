import type { Selectable } from 'kysely';
import type { PreferencesView } from '../../application/ports/read-models.js';
import type { PreferencesSnapshot } from '../../domain/notification-preferences.js';
import { ChannelFlags } from '../../domain/channel-flags.js';
import type { DeliverySettingsFields } from '../../domain/delivery-settings.js';
import { storedFlags } from '../../domain/preference-flags.js';
import type { PreferencesTable } from './database.js';

type PreferencesRow = Selectable<PreferencesTable>;

/** What a view reads: everything but the webhook's secrets. */
export const PREFERENCES_VIEW_COLUMNS = [
  'user_id',
  'notification_email',
  'preferences',
  'phone_number',
  'push_tokens',
  'webhook_url',
  'webhook_disabled_at',
  'language',
  'time_zone',
  'quiet_hours_start',
  'quiet_hours_end',
  'channel_flags',
  'overrides',
  'created_at',
  'updated_at',
] as const;

export function preferencesViewOf(row: Pick<PreferencesRow, (typeof PREFERENCES_VIEW_COLUMNS)[number]>): PreferencesView {
  return {
    userId: row.user_id,
    notificationEmail: row.notification_email,
    preferences: storedFlags(row.preferences),
    phoneNumber: row.phone_number,
    pushTokens: row.push_tokens,
    webhookUrl: row.webhook_url,
    webhookDisabledAt: row.webhook_disabled_at,
    ...deliverySettingsOf(row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toPreferencesSnapshot(row: PreferencesRow): PreferencesSnapshot {
  const { webhook_url: url, webhook_secret: secret } = row;
  const webhook =
    url === null || secret === null
      ? null
      : { url, secret, previousSecret: row.webhook_previous_secret, previousExpiresAt: row.webhook_previous_expires_at, disabledAt: row.webhook_disabled_at };
  const base = { userId: row.user_id, notificationEmail: row.notification_email, preferences: row.preferences, version: row.version };
  return { ...base, phoneNumber: row.phone_number, pushTokens: row.push_tokens, webhook, ...deliverySettingsOf(row), createdAt: row.created_at, updatedAt: row.updated_at };
}

type SettingsColumns = 'language' | 'time_zone' | 'quiet_hours_start' | 'quiet_hours_end' | 'channel_flags' | 'overrides';

/** Every channel's flag, a missing one on (a channel added after the row was written). */
function deliverySettingsOf(row: Pick<PreferencesRow, SettingsColumns>): DeliverySettingsFields {
  const { quiet_hours_start: start, quiet_hours_end: end } = row;
  const quietHours = start === null || end === null ? null : { start, end };
  return { language: row.language, timeZone: row.time_zone, quietHours, channels: ChannelFlags.restore(row.channel_flags).values(), overrides: row.overrides };
}

/** The columns a snapshot writes (all but the key and created_at, which never change). */
export function preferencesColumns(s: PreferencesSnapshot) {
  return {
    notification_email: s.notificationEmail,
    preferences: JSON.stringify(s.preferences),
    version: s.version,
    updated_at: s.updatedAt,
    phone_number: s.phoneNumber,
    push_tokens: [...s.pushTokens],
    webhook_url: s.webhook?.url ?? null,
    webhook_secret: s.webhook?.secret ?? null,
    webhook_previous_secret: s.webhook?.previousSecret ?? null,
    webhook_previous_expires_at: s.webhook?.previousExpiresAt ?? null,
    webhook_disabled_at: s.webhook?.disabledAt ?? null,
    language: s.language,
    time_zone: s.timeZone,
    quiet_hours_start: s.quietHours?.start ?? null,
    quiet_hours_end: s.quietHours?.end ?? null,
    channel_flags: JSON.stringify(s.channels),
    overrides: JSON.stringify(s.overrides),
  };
}
