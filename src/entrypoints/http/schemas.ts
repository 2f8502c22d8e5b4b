import { API_KEY_SCOPES } from '../../domain/api-key-scope.js';
import { EmailAddress } from '../../domain/email-address.js';
import { ATTEMPT_OUTCOMES } from '../../domain/delivery-attempt.js';
import { NOTIFICATION_STATUSES, STATUS_REASONS } from '../../domain/notification-status.js';
import { PRIORITIES } from '../../domain/priority.js';
import { BUILT_IN_TYPES, CHANNELS, NotificationType } from '../../domain/notification-type.js';
import { canonicalLocale } from '../../domain/template-locale.js';
import { UserId } from '../../domain/user-id.js';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT } from '../../application/queries/history.query.js';
import { hasUnstorableCharacter } from '../../adapters/postgres/storable-text.js';
import { nulPath } from '../nul-characters.js';
import { checkedBy } from './checked-by.js';
import { ContactPointsInput, ContactPointsOutput, WebhookSecretOutput } from './contact-point-schemas.js';
import { DeliverySettingsInput, DeliverySettingsOutput } from './delivery-settings-schemas.js';
import { z } from './zod.js';

export const UserIdSchema = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform(String)
  .superRefine(checkedBy((v) => UserId.of(v)))
  .openapi({ description: 'Opaque user id, 1 to 128 printable characters (integers are accepted)', example: '5f2b9c1e8a7d4e3f9b6c1a2d3e4f5a6b' });

export const EmailSchema = z
  .string()
  .superRefine(checkedBy((v) => EmailAddress.of(v)))
  .openapi({ format: 'email', example: 'ada@example.com' });

const flags = Object.fromEntries(BUILT_IN_TYPES.map((t) => [t, z.boolean().optional()])) as Record<
  (typeof BUILT_IN_TYPES)[number],
  z.ZodOptional<z.ZodBoolean>
>;

export const PreferenceFlagsInput = z
  .strictObject(flags)
  .openapi('PreferenceFlagsInput', { description: 'One flag per notification type; absent types are on' });

export const PreferenceFlagsSchema = z
  .object(Object.fromEntries(BUILT_IN_TYPES.map((t) => [t, z.boolean()])) as Record<(typeof BUILT_IN_TYPES)[number], z.ZodBoolean>)
  .openapi('PreferenceFlags');

export const CreatePreferencesBody = z
  .strictObject({ userid: UserIdSchema, notification_email: EmailSchema, preferences: PreferenceFlagsInput.default({}), ...ContactPointsInput, ...DeliverySettingsInput })
  .openapi('CreatePreferences');

export const ReplacePreferencesBody = z
  .strictObject({
    userid: UserIdSchema.optional().openapi({ description: 'Optional; must equal the path parameter' }),
    notification_email: EmailSchema,
    preferences: PreferenceFlagsInput.default({}),
    ...ContactPointsInput,
    ...DeliverySettingsInput,
  })
  .openapi('ReplacePreferences');

export const UserIdParams = z.strictObject({ userid: UserIdSchema });

export const PreferencesResponse = z
  .object({
    userid: z.string(),
    notification_email: z.string(),
    preferences: PreferenceFlagsSchema,
    ...ContactPointsOutput,
    ...DeliverySettingsOutput,
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .openapi('Preferences');

/** What a write answers: the preferences, and the webhook secret it minted, if it minted one. */
export const WrittenPreferencesResponse = PreferencesResponse.extend(WebhookSecretOutput).openapi('WrittenPreferences');

export const HistoryQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(1).max(HISTORY_MAX_LIMIT))
    .optional()
    .openapi({ description: `Page size, 1 to ${HISTORY_MAX_LIMIT}`, example: String(HISTORY_DEFAULT_LIMIT) }),
  cursor: z.string().max(512).optional().openapi({ description: 'next_cursor of the previous page' }),
});

const AttemptSchema = z
  .object({
    number: z.number().int(),
    attempted_at: z.iso.datetime(),
    outcome: z.enum(ATTEMPT_OUTCOMES),
    response: z.string().nullable(),
    error: z.string().nullable(),
    latency_ms: z.number(),
  })
  .openapi('DeliveryAttempt');

export const NotificationSchema = z
  .object({
    id: z.uuid(),
    userid: z.string().nullable(),
    type: z.string().openapi({ description: 'The notification type: the key of its template' }),
    channel: z.enum(CHANNELS),
    recipient: z.string(),
    subject: z.string().nullable(),
    priority: z.enum(PRIORITIES),
    status: z.enum(NOTIFICATION_STATUSES),
    reason: z.enum(STATUS_REASONS).nullable(),
    attempts: z.array(AttemptSchema),
    deferrals: z.number().int().openapi({ description: 'Provider-down answers in a row: they use no attempt, and only the first few show in attempts' }),
    next_attempt_at: z.iso.datetime().nullable(),
    retry_of: z.uuid().nullable(),
    fallback_of: z.uuid().nullable().openapi({ description: 'The notification of a `first` route whose permanent failure this one falls back from' }),
    template_version: z.number().int().nullable().openapi({ description: 'The template version it renders with; null for notifications recorded before templates were data' }),
    expires_at: z.iso.datetime().nullable(),
    provider_message_id: z.string().nullable().openapi({ description: "The provider's id for the accepted message: Twilio's sid, FCM's message name, the SMTP queue id" }),
    receipt: z
      .object({ status: z.enum(['delivered', 'undelivered']), error_code: z.string().nullable(), at: z.iso.datetime() })
      .nullable()
      .openapi({ description: "The provider's last report after accepting it (an SMS status callback); never a second outcome" }),
    order_id: z.string().nullable().openapi({ description: "The order it is about: its variables' order_id when it was requested (null when they named none, and on notifications recorded before it was kept)" }),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .openapi('Notification');

export const HistoryResponse = z
  .object({ notifications: z.array(NotificationSchema), next_cursor: z.string().nullable() })
  .openapi('History');

export const CreateApiKeyBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(API_KEY_SCOPES.length),
  })
  .openapi('CreateApiKey');

export const CreatedApiKeyResponse = z
  .object({
    id: z.uuid(),
    name: z.string(),
    key: z.string().openapi({ description: 'Shown once; only its hash is stored' }),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    created_at: z.iso.datetime(),
  })
  .openapi('CreatedApiKey');

export const ApiKeyIdParams = z.strictObject({ id: z.uuid() });

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    correlation_id: z.string().optional(),
  })
  .openapi('Problem');

const NO_NUL = 'must not contain NUL characters or unpaired surrogates';
/** Text PostgreSQL can store and compare (a NUL in a text parameter is an error there, 22021). */
export const StorableText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !hasUnstorableCharacter(v), NO_NUL);
export const OneLine = (max: number) => StorableText(max).regex(/^[^\r\n]*$/, 'must be one line (no CR or LF)');

export const TemplateKeySchema = z
  .string()
  .superRefine(checkedBy((v) => NotificationType.of(v)))
  .openapi({ description: 'A template key: a built-in type or one created over POST /templates', example: 'welcome' });

export const LocaleSchema = z
  .string()
  .max(35)
  .superRefine(checkedBy((v) => canonicalLocale(String(v), 'locale')))
  .openapi({ description: "BCP 47 language tag; the template's variant falls back fr-BE → fr → its default locale", example: 'fr-BE' });

/** An instant with its offset; it must be in the future when given. */
export const ExpiresAtSchema = z.iso.datetime({ offset: true }).openapi({ description: 'Not sent after this instant: failed with reason expired instead' });

/** A send's or event's template variables: checked against the template when the send is asked for. */
export const VariablesSchema = z.record(z.string().max(100), z.unknown()).superRefine((vars, ctx) => {
  const path = nulPath(vars);
  if (path) ctx.addIssue({ code: 'custom', message: NO_NUL, path: path.split('.') });
});

export const SendNotificationBody = z
  .strictObject({
    notification_type: TemplateKeySchema,
    recipient_email: EmailSchema.optional().openapi({ description: "The email channel's address; may be omitted with a userid (the profile's notification email)" }),
    userid: UserIdSchema.optional(),
    subject: OneLine(998).optional(),
    priority: z.enum(PRIORITIES).optional().openapi({ description: "Claim order and retry plan; default: the type's priority" }),
    content: z.string().max(100_000).refine((v) => !hasUnstorableCharacter(v), NO_NUL).optional(),
    locale: LocaleSchema.optional(),
    expires_at: ExpiresAtSchema.optional(),
    template_vars: VariablesSchema.optional().openapi({
      description:
        "The template's variables: shaped as the component schema `Variables.<notification_type>` (one per stored template, from its live version). Variables it does not declare are passed through.",
    }),
  })
  .refine((b) => b.recipient_email !== undefined || b.userid !== undefined, { message: "give recipient_email, or userid to send to the user's channels", path: ['recipient_email'] })
  .openapi('SendNotification');

/** A send's own text: at most 100,000 characters PostgreSQL can store. */
export const ContentText = z.string().max(100_000).refine((v) => !hasUnstorableCharacter(v), NO_NUL);

/** A send's answer: the first notification, and every one a routed send recorded (one per channel). */
export const SendResponse = z
  .object({
    notification_id: z.uuid(),
    status: z.enum(NOTIFICATION_STATUSES),
    notification_ids: z.array(z.uuid()).openapi({ description: "Every notification the send recorded, in routing order (one per channel of the type's route)" }),
  })
  .openapi('SendAnswer');

export const RetryResponse = z
  .object({
    notification_id: z.uuid(),
    retry_of: z.uuid(),
    status: z.enum(NOTIFICATION_STATUSES),
    fallbacks: z.array(z.uuid()).openapi({
      description: 'The notifications that fell back from the retried one, oldest first: the user may have it on their channel already. Retried all the same; a bulk retry leaves such a notification out unless every fallback was suppressed',
    }),
  })
  .openapi('Retry');

export const NotificationIdParams = z.strictObject({ id: z.uuid() });

export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 visible ASCII characters')
  .optional()
  .openapi({ description: 'Idempotency-Key (or X-Idempotency-Key): the same key and body return the first response; another body is 422; while the first is in flight, 409' });
