import type { z } from 'zod';
import type { InboundEvent } from '../../domain/commands.js';
import { EmailAddress } from '../../domain/email-address.js';
import { instantOf } from '../../domain/instant.js';
import { Priority } from '../../domain/priority.js';
import { canonicalLocale } from '../../domain/template-locale.js';
import { UserId } from '../../domain/user-id.js';
import type { KnownEventType, SCHEMAS } from './event-types.js';
import { genericRequest } from './generic-request.js';

type Payload<T extends KnownEventType> = z.output<(typeof SCHEMAS)[T]>;
type RequestingType = Exclude<KnownEventType, 'user.registered' | 'request.notification'>;

interface Request {
  readonly notificationType: Extract<InboundEvent, { kind: 'NotificationRequested' }>['notificationType'];
  readonly userId: string;
  readonly email: string;
  /** User service events name their fields `userid`/`email`; order events `user_id`/`user_email`. */
  readonly fields: readonly [string, string];
  readonly templateVars: Record<string, unknown>;
}

const USER_FIELDS = ['userid', 'email'] as const;
const ORDER_FIELDS = ['user_id', 'user_email'] as const;

const REQUESTS: { readonly [T in RequestingType]: (d: Payload<T>) => Request } = {
  'user.email_verification_requested': (d) => ({
    notificationType: 'email_verification',
    userId: d.userid,
    email: d.email,
    fields: USER_FIELDS,
    templateVars: { username: d.username, email: d.email, verify_token: d.verify_token },
  }),
  'user.password_reset_requested': (d) => ({
    notificationType: 'password_reset',
    userId: d.userid,
    email: d.email,
    fields: USER_FIELDS,
    templateVars: { username: d.username, email: d.email, reset_token: d.reset_token },
  }),
  'user.welcome_requested': (d) => ({
    notificationType: 'welcome',
    userId: d.userid,
    email: d.email,
    fields: USER_FIELDS,
    templateVars: { username: d.username, email: d.email },
  }),
  'user.security_alert_requested': (d) => ({
    notificationType: 'security_alert',
    userId: d.userid,
    email: d.email,
    fields: USER_FIELDS,
    templateVars: { username: d.username, email: d.email, alert_message: d.alert_message },
  }),
  'order.created': ({ user_id, user_email, ...vars }) => ({
    notificationType: 'order_confirmation',
    userId: user_id,
    email: user_email,
    fields: ORDER_FIELDS,
    templateVars: vars,
  }),
  'order.status.updated': ({ user_id, user_email, ...vars }) => ({
    notificationType: 'order_status_update',
    userId: user_id,
    email: user_email,
    fields: ORDER_FIELDS,
    templateVars: vars,
  }),
};

function checked(userId: string, email: string, fields: readonly [string, string]): { userId: string; email: string } {
  return { userId: UserId.of(userId, fields[0]).value, email: EmailAddress.of(email, fields[1]).value };
}

/** Fields any requesting event may carry besides its payload, as they arrived. */
export interface RawEventOptions {
  readonly priority: unknown;
  readonly locale: unknown;
  readonly expiresAt: unknown;
  readonly sendAt: unknown;
}

/**
 * The domain event for a validated payload. The options, when present (and not null), must be a
 * known priority, a BCP 47 locale and an instant with its offset: anything else throws
 * InvalidValueError naming the field, as an invalid user id or address does.
 */
export function toInboundEvent(type: KnownEventType, data: Payload<KnownEventType>, options: RawEventOptions): InboundEvent {
  if (type === 'user.registered') {
    const d = data as Payload<'user.registered'>;
    return { kind: 'UserRegistered', ...checked(d.userid, d.email, USER_FIELDS), username: d.username };
  }
  if (type === 'request.notification') return { ...genericRequest(data as Payload<'request.notification'>), ...eventOptions(options) };
  const request = REQUESTS[type](data as never);
  const { notificationType, templateVars } = request;
  const typed = { notificationType, templateVars, variablesField: 'template_vars', subject: null, content: null };
  const { userId, email } = checked(request.userId, request.email, request.fields);
  // Routed over the type's channels; the event's email is the email channel's address.
  return { kind: 'NotificationRequested', ...typed, userId, channel: null, recipient: email, ...eventOptions(options) };
}

function eventOptions(raw: RawEventOptions): { priority: Priority | null; locale: string | null; expiresAt: Date | null; sendAt: Date | null } {
  const absent = (value: unknown) => value === undefined || value === null;
  return {
    priority: absent(raw.priority) ? null : Priority.of(raw.priority, 'priority'),
    locale: absent(raw.locale) ? null : canonicalLocale(String(raw.locale), 'locale'),
    expiresAt: absent(raw.expiresAt) ? null : instantOf(raw.expiresAt, 'expires_at'),
    sendAt: absent(raw.sendAt) ? null : instantOf(raw.sendAt, 'send_at'),
  };
}
