import { z } from 'zod';
import { CHANNELS } from '../../domain/notification-type.js';

/** Class names upstream services use, and the dotted name each stands for. */
const ALIASES: Readonly<Record<string, string>> = {
  UserRegistered: 'user.registered',
  UserEmailVerificationRequested: 'user.email_verification_requested',
  UserPasswordResetRequested: 'user.password_reset_requested',
  PasswordResetRequested: 'user.password_reset_requested',
  UserWelcomeRequested: 'user.welcome_requested',
  UserSecurityAlertRequested: 'user.security_alert_requested',
  OrderCreated: 'order.created',
  OrderStatusUpdated: 'order.status.updated',
  NotificationRequested: 'request.notification',
};

const id = z.union([z.string().min(1).max(128), z.number().int().nonnegative()]).transform(String);
const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().max(max).nullish().transform((v) => (v ? v : null));
const amount = z.union([z.number().finite().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative number')]);

/** The payload each known event type requires (README, "Events in and out"). */
export const SCHEMAS = {
  'user.registered': z.object({ userid: id, username: text(200), email: z.string() }),
  'user.email_verification_requested': z.object({ userid: id, username: text(200), email: z.string(), verify_token: text(512) }),
  'user.password_reset_requested': z.object({ userid: id, email: z.string(), reset_token: text(512), username: optionalText(200) }),
  'user.welcome_requested': z.object({ userid: id, email: z.string(), username: optionalText(200) }),
  'user.security_alert_requested': z.object({ userid: id, email: z.string(), alert_message: text(2000), username: optionalText(200) }),
  'order.created': z.object({
    order_id: id,
    user_id: id,
    user_email: z.string(),
    total_amount: amount,
    status: text(100),
    items: z
      .array(z.object({ product_id: id, product_name: text(500), quantity: z.number().int().positive(), price: amount }))
      .min(1)
      .max(500),
  }),
  'order.status.updated': z.object({
    order_id: id,
    user_id: id,
    user_email: z.string(),
    old_status: text(100),
    new_status: text(100),
    updated_by: optionalText(200),
  }),
  // Any type, including those created over REST: a template key or its own content, a user and/or an address.
  'request.notification': z
    .object({
      notification_type: z.string().max(64).optional(),
      channel: z.enum(CHANNELS).optional(),
      content: z.object({ subject: text(998), body: text(100_000) }).optional(),
      userid: id.optional(),
      recipient: z.string().optional(),
      variables: z.record(z.string().max(100), z.unknown()).default({}),
    })
    .refine((d) => (d.notification_type === undefined) !== (d.content === undefined), { message: 'give notification_type or content', path: ['notification_type'] })
    .refine((d) => d.userid !== undefined || d.recipient !== undefined, { message: 'give userid or recipient', path: ['recipient'] }),
} as const;

export type KnownEventType = keyof typeof SCHEMAS;

// Own properties only: `constructor`, `__proto__` or `toString` must not find Object.prototype's.
export function isKnownEventType(type: string | undefined): type is KnownEventType {
  return type !== undefined && Object.hasOwn(SCHEMAS, type);
}

/** A class name's dotted name; any other name unchanged. */
export function dottedEventType(raw: string): string {
  return Object.hasOwn(ALIASES, raw) ? (ALIASES[raw] as string) : raw;
}

/** Metric label values come from this closed set: an untrusted name would grow the series without bound. */
export function eventTypeLabel(type: string | undefined): string {
  return isKnownEventType(type) ? type : 'unknown';
}

const SHOWN_LENGTH = 100;

/**
 * An untrusted name as a log line or a dead-letter detail shows it: at most 100 characters, and
 * everything outside printable ASCII (and the backslash) escaped as \uXXXX, so that control or
 * bidirectional characters cannot disguise a log line.
 */
export function shown(raw: string): string {
  const cut = raw.length > SHOWN_LENGTH ? `${raw.slice(0, SHOWN_LENGTH)}...` : raw;
  return cut.replace(/[^\x20-\x5b\x5d-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
