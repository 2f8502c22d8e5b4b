import type { PreferencesView } from '../../application/ports/read-models.js';
import type { CommandOf } from '../../domain/commands.js';
import { type FieldError, InvalidDeliverySettingsError } from '../../domain/errors.js';
import { ContactPointsInput } from './contact-point-schemas.js';
import { EmailSchema, UserIdSchema } from './schemas.js';
import { z } from './zod.js';

const TimeOfDay = z.string().max(16).nullable().optional().openapi({ description: 'HH:MM, 00:00 to 23:59, local time in timezone', example: '22:00' });
const Flag = (channel: string) => z.boolean().optional().openapi({ description: `The ${channel} channel, for every type (default on)` });

const V1UserPreferences = z
  .strictObject({
    email_enabled: Flag('email'),
    push_enabled: Flag('push'),
    sms_enabled: Flag('sms'),
    in_app_enabled: Flag('in_app'),
    webhook_enabled: Flag('webhook'),
    quiet_hours_start: TimeOfDay,
    quiet_hours_end: TimeOfDay,
  })
  .refine((p) => (p.quiet_hours_start == null) === (p.quiet_hours_end == null), { message: 'give quiet_hours_start and quiet_hours_end together', path: ['quiet_hours_end'] });

/** Seed 001's user: a recipient profile under its own names. */
export const V1UserBody = z
  .strictObject({
    user_id: UserIdSchema.optional().openapi({ description: 'The user id; absent: a new UUID' }),
    email_address: EmailSchema,
    phone_number: ContactPointsInput.phone_number,
    preferred_language: z.string().max(64).nullable().optional().openapi({ description: 'BCP 47 language tag, canonicalised (fr-be → fr-BE)', example: 'fr-BE' }),
    timezone: z.string().max(64).nullable().optional().openapi({ description: 'IANA time zone, in which quiet hours are read', example: 'Europe/Brussels' }),
    preferences: V1UserPreferences.optional(),
  })
  .openapi('V1User');

export function createUserCommand(body: z.output<typeof V1UserBody>): CommandOf<'CreatePreferences'> {
  const p = body.preferences ?? {};
  const channels = { email: p.email_enabled, push: p.push_enabled, sms: p.sms_enabled, in_app: p.in_app_enabled, webhook: p.webhook_enabled };
  return {
    type: 'CreatePreferences',
    userId: body.user_id ?? null,
    notificationEmail: body.email_address,
    preferences: {},
    phoneNumber: body.phone_number,
    language: body.preferred_language,
    timeZone: body.timezone,
    quietHours: p.quiet_hours_start == null || p.quiet_hours_end == null ? null : { start: p.quiet_hours_start, end: p.quiet_hours_end },
    channels: Object.fromEntries(Object.entries(channels).filter(([, on]) => on !== undefined)),
  };
}

const V1_FIELDS: Readonly<Record<string, string>> = {
  language: 'preferred_language',
  'quiet_hours.start': 'preferences.quiet_hours_start',
  'quiet_hours.end': 'preferences.quiet_hours_end',
  quiet_hours: 'preferences.quiet_hours_end',
};

/** Unusable settings named as seed 001's body names them (preferred_language, not language). */
export function inV1Names(error: unknown): never {
  if (!(error instanceof InvalidDeliverySettingsError)) throw error;
  const renamed = (p: FieldError) => ({ field: V1_FIELDS[p.field] ?? p.field, message: p.message });
  throw new InvalidDeliverySettingsError(error.problems.map(renamed));
}

export const V1UserData = z
  .object({
    user_id: z.string(),
    email_address: z.string(),
    phone_number: z.string().nullable(),
    preferred_language: z.string().nullable(),
    timezone: z.string().nullable(),
    preferences: z.object({
      email_enabled: z.boolean(),
      push_enabled: z.boolean(),
      sms_enabled: z.boolean(),
      in_app_enabled: z.boolean(),
      webhook_enabled: z.boolean(),
      quiet_hours_start: z.string().nullable(),
      quiet_hours_end: z.string().nullable(),
    }),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .openapi('V1UserData');

export const V1UserResponse = z.object({ success: z.literal(true), data: V1UserData, message: z.string() }).openapi('V1UserEnvelope');

export function v1UserJson(view: PreferencesView): z.output<typeof V1UserData> {
  const { channels, quietHours } = view;
  return {
    user_id: view.userId,
    email_address: view.notificationEmail,
    phone_number: view.phoneNumber,
    preferred_language: view.language,
    timezone: view.timeZone,
    preferences: {
      email_enabled: channels.email,
      push_enabled: channels.push,
      sms_enabled: channels.sms,
      in_app_enabled: channels.in_app,
      webhook_enabled: channels.webhook,
      quiet_hours_start: quietHours?.start ?? null,
      quiet_hours_end: quietHours?.end ?? null,
    },
    created_at: view.createdAt.toISOString(),
    updated_at: view.updatedAt.toISOString(),
  };
}
