import { z } from 'zod';
import { correlationIdFrom, isCorrelationId } from '../../adapters/observability/correlation.js';
import type { Delivery } from '../../adapters/rabbitmq/amqp-consumer.js';
import type { InboundEvent } from '../../domain/commands.js';
import { EmailAddress } from '../../domain/email-address.js';
import { InvalidValueError } from '../../domain/errors.js';
import { UserId } from '../../domain/user-id.js';
import { canonicalJson, sha256Hex } from '../canonical-json.js';
import { nulPath } from '../nul-characters.js';

export type PoisonReason = 'unparseable' | 'unknown_event_type' | 'invalid_payload';

export type ParsedEvent =
  | {
      readonly ok: true;
      readonly eventId: string;
      readonly payloadHash: string;
      readonly eventType: string;
      readonly event: InboundEvent;
      readonly correlationId: string;
    }
  | { readonly ok: false; readonly reason: PoisonReason; readonly detail: string; readonly eventType?: string };

const ALIASES: Readonly<Record<string, string>> = {
  UserRegistered: 'user.registered',
  UserEmailVerificationRequested: 'user.email_verification_requested',
  UserPasswordResetRequested: 'user.password_reset_requested',
  PasswordResetRequested: 'user.password_reset_requested',
  UserWelcomeRequested: 'user.welcome_requested',
  UserSecurityAlertRequested: 'user.security_alert_requested',
  OrderCreated: 'order.created',
  OrderStatusUpdated: 'order.status.updated',
};

const id = z.union([z.string().min(1).max(128), z.number().int().nonnegative()]).transform(String);
const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().max(max).nullish().transform((v) => (v ? v : null));
const amount = z.union([z.number().finite().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative number')]);

const SCHEMAS = {
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
} as const;

type KnownType = keyof typeof SCHEMAS;

function isKnown(type: string): type is KnownType {
  return Object.hasOwn(SCHEMAS, type);
}

function firstString(...candidates: unknown[]): string | undefined {
  return candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '');
}

/** The event type, taken in SPEC order: AMQP `type`, `event_type` header, body `event_type`, routing key. */
function eventTypeOf(delivery: Delivery, body: Record<string, unknown>): string {
  const raw = firstString(delivery.type, delivery.headers.event_type, body.event_type, delivery.routingKey) ?? '';
  return ALIASES[raw] ?? raw;
}

/** Turns one AMQP delivery into a ReceiveEvent's fields, or says why it can never be processed. */
export function parseInboundEvent(delivery: Delivery): ParsedEvent {
  let body: unknown;
  try {
    body = JSON.parse(delivery.body.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: 'unparseable', detail: `body is not JSON: ${(error as Error).message}` };
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, reason: 'unparseable', detail: 'body must be a JSON object' };
  }
  const envelope = body as Record<string, unknown>;
  const eventType = eventTypeOf(delivery, envelope);
  if (!isKnown(eventType)) return { ok: false, reason: 'unknown_event_type', detail: `unknown event type ${JSON.stringify(eventType.slice(0, 200))}`, eventType };
  const data = envelope.data && typeof envelope.data === 'object' && !Array.isArray(envelope.data) ? (envelope.data as Record<string, unknown>) : envelope;
  const nul = nulPath(data);
  if (nul) return { ok: false, reason: 'invalid_payload', detail: `${nul}: must not contain NUL characters or unpaired surrogates`, eventType };
  const result = SCHEMAS[eventType].safeParse(data);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
    return { ok: false, reason: 'invalid_payload', detail, eventType };
  }
  try {
    const event = toInboundEvent(eventType, result.data as never);
    const hash = sha256Hex(canonicalJson(envelope));
    const eventId = firstString(envelope.event_id, data.event_id, delivery.messageId) ?? `sha256:${hash}`;
    const correlationId = correlationIdFrom([envelope.correlation_id, data.correlation_id, delivery.correlationId].find(isCorrelationId));
    return { ok: true, eventId: eventId.slice(0, 200), payloadHash: hash, eventType, event, correlationId };
  } catch (error) {
    if (error instanceof InvalidValueError) return { ok: false, reason: 'invalid_payload', detail: error.message, eventType };
    throw error;
  }
}

type Payload<T extends KnownType> = z.output<(typeof SCHEMAS)[T]>;

/** User service events name their fields `userid`/`email`; order events `user_id`/`user_email`. */
function checked(userId: string, email: string, fields: readonly [string, string]): { userId: string; email: string } {
  return { userId: UserId.of(userId, fields[0]).value, email: EmailAddress.of(email, fields[1]).value };
}

const USER_FIELDS = ['userid', 'email'] as const;
const ORDER_FIELDS = ['user_id', 'user_email'] as const;

function toInboundEvent(type: KnownType, data: Payload<KnownType>): InboundEvent {
  const ask = (
    notificationType: Extract<InboundEvent, { kind: 'NotificationRequested' }>['notificationType'],
    userId: string,
    email: string,
    fields: readonly [string, string],
    templateVars: Record<string, unknown>,
  ): InboundEvent => ({ kind: 'NotificationRequested', notificationType, ...checked(userId, email, fields), templateVars });
  switch (type) {
    case 'user.registered': {
      const d = data as Payload<'user.registered'>;
      return { kind: 'UserRegistered', ...checked(d.userid, d.email, USER_FIELDS), username: d.username };
    }
    case 'user.email_verification_requested': {
      const d = data as Payload<'user.email_verification_requested'>;
      return ask('email_verification', d.userid, d.email, USER_FIELDS, { username: d.username, email: d.email, verify_token: d.verify_token });
    }
    case 'user.password_reset_requested': {
      const d = data as Payload<'user.password_reset_requested'>;
      return ask('password_reset', d.userid, d.email, USER_FIELDS, { username: d.username, email: d.email, reset_token: d.reset_token });
    }
    case 'user.welcome_requested': {
      const d = data as Payload<'user.welcome_requested'>;
      return ask('welcome', d.userid, d.email, USER_FIELDS, { username: d.username, email: d.email });
    }
    case 'user.security_alert_requested': {
      const d = data as Payload<'user.security_alert_requested'>;
      return ask('security_alert', d.userid, d.email, USER_FIELDS, { username: d.username, email: d.email, alert_message: d.alert_message });
    }
    case 'order.created': {
      const d = data as Payload<'order.created'>;
      const { user_id, user_email, ...vars } = d;
      return ask('order_confirmation', user_id, user_email, ORDER_FIELDS, vars);
    }
    case 'order.status.updated': {
      const d = data as Payload<'order.status.updated'>;
      const { user_id, user_email, ...vars } = d;
      return ask('order_status_update', user_id, user_email, ORDER_FIELDS, vars);
    }
  }
}
