import type { DeliverySettingsInput as Settings } from '../../domain/commands.js';
import { CHANNELS, type Channel } from '../../domain/notification-type.js';
import { z } from './zod.js';

/*
 * Only the JSON types are checked here (a wrong one is a 400, as everywhere); whether a value can
 * be used (a known zone, a known channel, an existing type) is the handler's to say, as a 422 that
 * names every such field at once (ADR 20).
 */

const KEPT = 'PUT: absent keeps the stored value, null clears it. POST: absent or null, none.';
const CHANNEL_LIST = CHANNELS.join(', ');

const eachChannel = <S extends z.ZodType>(schema: S) => Object.fromEntries(CHANNELS.map((channel) => [channel, schema])) as Record<Channel, S>;

/**
 * `schema`'s checks, passing on the value as JSON.parse made it: zod's records and catchalls drop
 * an own `__proto__` key, which must reach the handler to be refused by name like any unknown
 * channel or type (a 422: such a name is just an unknown one). Documented as `schema`.
 */
function everyKeyKept<S extends z.ZodType>(schema: S) {
  const { $schema: _, ...documented } = z.toJSONSchema(schema, { io: 'input' });
  return z
    .unknown()
    .transform((raw, ctx) => {
      const checked = schema.safeParse(raw);
      if (checked.success) return raw as z.output<S>;
      ctx.issues.push(...checked.error.issues.map((issue) => ({ ...issue, input: undefined })));
      return z.NEVER;
    })
    .openapi(documented as never);
}

const ChannelFlagsShape = z
  .object(eachChannel(z.boolean().optional()))
  .catchall(z.boolean())
  .meta({ description: `Channel → on/off; a channel left out is on. Channels: ${CHANNEL_LIST}; another key is a 422` });

const TimeOfDay = z.string().max(16).openapi({ description: 'HH:MM, 00:00 to 23:59, local time in timezone', example: '22:00' });

/** The delivery settings a preferences body may carry (README "The API", ADR 20); all optional, so seed-002 bodies stay valid. */
export const DeliverySettingsInput = {
  language: z.string().max(64).nullable().optional().openapi({ description: `BCP 47 language tag, canonicalised (fr-be → fr-BE); picks the template locale. ${KEPT}`, example: 'fr-BE' }),
  timezone: z.string().max(64).nullable().optional().openapi({ description: `IANA time zone, in which quiet hours are read. ${KEPT}`, example: 'Europe/Brussels' }),
  quiet_hours: z
    .strictObject({ start: TimeOfDay, end: TimeOfDay })
    .nullable()
    .optional()
    .openapi({ description: `A daily window, start included, end excluded, that may cross midnight (22:00–08:00); start and end differ. ${KEPT}` }),
  channels: everyKeyKept(ChannelFlagsShape.nullable()).optional().openapi({ description: `Channel flags, for every type: the map given replaces the stored one (a channel it leaves out is on again). ${KEPT}` }),
  overrides: everyKeyKept(z.record(z.string().max(64), ChannelFlagsShape).nullable())
    .optional()
    .openapi({
      description: `Notification type → channel → on/off; decides over the type's flag and the channel's flag. Each type must be built in or a template's key (else a 422 naming overrides.<type>); at most 100 types. ${KEPT}`,
      example: { order_status_update: { push: true } },
    }),
};

/** A body's delivery settings as a command takes them (absent stays absent). */
export function deliverySettingsOf(body: { language?: string | null; timezone?: string | null; quiet_hours?: Settings['quietHours']; channels?: Settings['channels']; overrides?: Settings['overrides'] }): Settings {
  return { language: body.language, timeZone: body.timezone, quietHours: body.quiet_hours, channels: body.channels, overrides: body.overrides };
}

/** What every preferences answer shows of the settings: defaults when unset. */
export const DeliverySettingsOutput = {
  language: z.string().nullable(),
  timezone: z.string().nullable(),
  quiet_hours: z.object({ start: z.string(), end: z.string() }).nullable(),
  channels: z.object(eachChannel(z.boolean())).openapi('ChannelFlags', { description: 'Every channel’s flag (on unless turned off)' }),
  overrides: z.record(z.string(), z.object(eachChannel(z.boolean().optional()))).openapi({ description: 'Notification type → channel → on/off' }),
};
