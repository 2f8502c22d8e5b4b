import { type Kysely, sql } from 'kysely';

/**
 * A recipient's delivery settings (ADR 20): language, time zone, quiet hours, channel flags and
 * per-type channel overrides. Nullable or with a constant default, so adding them rewrites no row
 * and a profile from before has none (every channel on, no override). Quiet hours are two local
 * times of day, 'HH:MM', both set or both null; they are a wall-clock window read in the profile's
 * time zone, not instants, hence text and not time with time zone.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notification_preferences
      add column language text,
      add column time_zone text,
      add column quiet_hours_start text,
      add column quiet_hours_end text,
      add column channel_flags jsonb not null default '{}',
      add column overrides jsonb not null default '{}',
      add constraint notification_preferences_quiet_hours check ((quiet_hours_start is null) = (quiet_hours_end is null)),
      add constraint notification_preferences_quiet_hours_format
        check (quiet_hours_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' and quiet_hours_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
      add constraint notification_preferences_channel_flags check (jsonb_typeof(channel_flags) = 'object'),
      add constraint notification_preferences_overrides check (jsonb_typeof(overrides) = 'object')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table notification_preferences
      drop column language,
      drop column time_zone,
      drop column quiet_hours_start,
      drop column quiet_hours_end,
      drop column channel_flags,
      drop column overrides`.execute(db);
}
