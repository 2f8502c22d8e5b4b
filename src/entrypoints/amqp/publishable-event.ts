import { randomUUID } from 'node:crypto';
import type { InboundEvent } from '../../domain/commands.js';
import { type FieldError, InvalidFieldsError, InvalidValueError } from '../../domain/errors.js';
import { parseInboundEvent } from './inbound-event-parser.js';
import { dottedEventType } from './event-types.js';
import { matchesBinding } from './topic-binding.js';

/** An event asked for over REST, as its fields came. */
export interface EventToPublish {
  readonly routingKey: string;
  readonly eventType: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * The message the relay will publish (without its event_id, given when it is stored) and what the
 * consumer will make of it; or each field at fault: 400 for a message the consumer's parser
 * refuses, 422 for an event it would accept but that is not published over REST.
 */
export type Publishable =
  | { readonly ok: true; readonly routingKey: string; readonly eventType: string; readonly body: Readonly<Record<string, unknown>>; readonly event: Requested }
  | { readonly ok: false; readonly status: 400 | 422; readonly errors: readonly FieldError[] };

type Requested = Extract<InboundEvent, { kind: 'NotificationRequested' }>;

const refused = (status: 400 | 422, errors: readonly FieldError[]) => ({ ok: false, status, errors }) as const;

/**
 * Checks an event asked for over REST as the consumer will check the message the relay publishes
 * (docs/adr/0028-publishing-and-bulk-retry.md): the routing key must be one the service's queue
 * is bound for, and the message, with the AMQP properties the relay gives it, must pass the
 * consumer's own parser. The payload travels under `data`, so that none of its fields can pass
 * for the envelope's. Only events that ask for notifications: `user.registered` stores a user's
 * notification email, which only the audited preferences routes (scope preferences:write) may do.
 */
export function publishable(asked: EventToPublish, bindings: readonly string[], correlationId: string): Publishable {
  if (!bindings.some((pattern) => matchesBinding(pattern, asked.routingKey))) {
    return refused(400, [{ field: 'routing_key', message: `no binding of the service's queue (${bindings.join(', ')}) routes it` }]);
  }
  const eventType = dottedEventType(asked.eventType);
  const body = { event_type: eventType, correlation_id: correlationId, data: asked.payload };
  const eventId = randomUUID();
  const parsed = parseInboundEvent({
    body: Buffer.from(JSON.stringify({ ...body, event_id: eventId })),
    routingKey: asked.routingKey,
    type: eventType,
    messageId: eventId,
    correlationId,
    headers: { event_type: eventType },
    redelivered: false,
  });
  if (parsed.ok && parsed.event.kind === 'NotificationRequested') return { ok: true, routingKey: asked.routingKey, eventType, body, event: parsed.event };
  if (parsed.ok) return refused(422, [{ field: 'event_type', message: `${eventType} stores the user's notification email: not published over REST (create the preferences over /notifications/preferences, scope preferences:write)` }]);
  if (parsed.reason === 'unknown_event_type') return refused(400, [{ field: 'event_type', message: 'is not an event type the service consumes' }]);
  const problems = parsed.problems ?? [{ field: '', message: `${parsed.reason}: ${parsed.detail}` }];
  return refused(400, problems.map(({ field, message }) => ({ field: field === '' || field === 'payload' ? 'payload' : `payload.${field}`, message })));
}

/**
 * The fields a refusal of receiving the event (checkReceivable) names, as the REST body named them:
 * null for any other error. A typed event's variables are its payload's own fields, its template
 * is its event type's, and its user and address are `userid`/`email` (user events) or
 * `user_id`/`user_email` (order events).
 */
export function receiveRefusal(error: unknown, eventType: string): FieldError[] | null {
  if (!(error instanceof InvalidValueError)) return null;
  const problems = error instanceof InvalidFieldsError ? error.problems : [{ field: error.field, message: error.reason }];
  return problems.map(({ field, message }) => ({ field: payloadField(eventType, field), message }));
}

function payloadField(eventType: string, field: string): string {
  if (eventType === 'request.notification') return field === 'content' ? 'payload.content.body' : `payload.${field}`;
  if (field === 'notification_type') return 'event_type';
  if (field.startsWith('template_vars.')) return `payload.${field.slice('template_vars.'.length)}`;
  const order = eventType.startsWith('order.');
  if (field === 'recipient') return order ? 'payload.user_email' : 'payload.email';
  if (field === 'userid') return order ? 'payload.user_id' : 'payload.userid';
  return `payload.${field}`;
}
