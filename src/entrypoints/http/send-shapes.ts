import { z } from 'zod';
import type { SendFields } from '../../domain/commands.js';
import { CHANNELS, DIRECT_MESSAGE_TYPE } from '../../domain/notification-type.js';
import { PRIORITIES } from '../../domain/priority.js';
import { ContentText, ExpiresAtSchema, LocaleSchema, OneLine, SendNotificationBody, TemplateKeySchema, UserIdSchema, VariablesSchema } from './schemas.js';

/** Seed 003's send: a channel and recipient, a template (`template_id`) or its own content, `variables`. */
export const Seed003SendBody = z
  .strictObject({
    channel: z
      .enum(CHANNELS)
      .optional()
      .openapi({ description: "Absent: with a userid, the type's channels as the user's profile routes them (one notification each); without, email" }),
    recipient: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .openapi({ description: "The channel's address: an email address, an E.164 number (sms), a device token (push), an http(s) URL (webhook), a user id (in_app)" }),
    userid: UserIdSchema.optional(),
    template_id: TemplateKeySchema.optional(),
    content: z.strictObject({ subject: OneLine(998), body: ContentText }).optional(),
    variables: VariablesSchema.optional(),
    priority: z.enum(PRIORITIES).optional(),
    locale: LocaleSchema.optional(),
    expires_at: ExpiresAtSchema.optional(),
  })
  .refine((b) => (b.template_id === undefined) !== (b.content === undefined), { message: 'give either template_id or content', path: ['template_id'] })
  .refine((b) => b.recipient !== undefined || b.userid !== undefined, { message: "give recipient, or userid to send to the profile's address", path: ['recipient'] })
  .openapi('Seed003Send');

/** The fields only one of the two shapes has: a body with fields of both is refused. */
const SEED_002_ONLY = ['notification_type', 'recipient_email', 'template_vars', 'subject'];
const SEED_003_ONLY = ['channel', 'recipient', 'template_id', 'variables'];

/**
 * `POST /notifications/send` in either shape (seed 002's or seed 003's), told apart by the
 * fields only one has, parsed by that shape's schema (each refusal naming its field), and mapped
 * to one set of command fields.
 */
export const SendBody = z
  .looseObject({})
  .transform((raw, ctx): SendFields => {
    const own = (keys: string[]) => keys.filter((k) => Object.hasOwn(raw, k));
    const [older, newer] = [own(SEED_002_ONLY), own(SEED_003_ONLY)];
    if (older.length > 0 && newer.length > 0) {
      ctx.addIssue({ code: 'custom', path: [newer[0] ?? 'body'], message: `mixes the two send shapes: ${older.join(', ')} (seed 002) with ${newer.join(', ')} (seed 003)` });
      return z.NEVER;
    }
    const seed003 = newer.length > 0 || (typeof raw.content === 'object' && raw.content !== null);
    const parsed = seed003 ? Seed003SendBody.safeParse(raw) : SendNotificationBody.safeParse(raw);
    if (!parsed.success) {
      ctx.issues.push(...parsed.error.issues.map((issue) => ({ ...issue, input: undefined })));
      return z.NEVER;
    }
    return 'notification_type' in parsed.data ? fromSeed002(parsed.data) : fromSeed003(parsed.data);
  })
  .openapi('SendNotificationEitherShape', { description: "Seed 002's body (notification_type, recipient_email, template_vars) or seed 003's (channel, recipient, template_id or content, variables)" });

function fromSeed002(b: z.output<typeof SendNotificationBody>): SendFields {
  return {
    notificationType: b.notification_type,
    // Routed over the type's channels when a user is named; recipient_email is the email channel's address.
    channel: null,
    recipient: b.recipient_email ?? null,
    userId: b.userid ?? null,
    subject: b.subject ?? null,
    content: b.content ?? null,
    templateVars: b.template_vars ?? {},
    variablesField: 'template_vars',
    ...options(b),
  };
}

function fromSeed003(b: z.output<typeof Seed003SendBody>): SendFields {
  return {
    notificationType: b.template_id ?? DIRECT_MESSAGE_TYPE,
    channel: b.channel ?? null,
    recipient: b.recipient ?? null,
    userId: b.userid ?? null,
    subject: b.content?.subject ?? null,
    content: b.content?.body ?? null,
    templateVars: b.variables ?? {},
    variablesField: 'variables',
    ...options(b),
  };
}

function options(b: { priority?: SendFields['priority'] | undefined; locale?: string | undefined; expires_at?: string | undefined }) {
  return { priority: b.priority ?? null, locale: b.locale ?? null, expiresAt: b.expires_at === undefined ? null : new Date(b.expires_at) };
}
