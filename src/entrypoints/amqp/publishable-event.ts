import { randomUUID } from 'node:crypto';
import type { FieldError } from '../../domain/errors.js';
import { parseInboundEvent } from './inbound-event-parser.js';
import { dottedEventType } from './event-types.js';
import { matchesBinding } from './topic-binding.js';

/** An event asked for over REST, as its fields came. */
export interface EventToPublish {
  readonly routingKey: string;
  readonly eventType: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** The message the relay will publish (without its event_id, given when it is stored), or each field at fault. */
export type Publishable =
  | { readonly ok: true; readonly routingKey: string; readonly eventType: string; readonly body: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

/**
 * Checks an event asked for over REST as the consumer will check the message the relay publishes
 * (docs/adr/0028-publishing-and-bulk-retry.md): the routing key must be one the service's queue
 * is bound for (any other is unroutable, or consumed by someone else), and the message, with the
 * AMQP properties the relay gives it, must pass the consumer's own parser. The payload travels
 * under `data`, so that none of its fields can pass for the envelope's.
 */
export function publishable(asked: EventToPublish, bindings: readonly string[], correlationId: string): Publishable {
  if (!bindings.some((pattern) => matchesBinding(pattern, asked.routingKey))) {
    return { ok: false, errors: [{ field: 'routing_key', message: `no binding of the service's queue (${bindings.join(', ')}) routes it` }] };
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
  if (parsed.ok) return { ok: true, routingKey: asked.routingKey, eventType, body };
  if (parsed.reason === 'unknown_event_type') return { ok: false, errors: [{ field: 'event_type', message: 'is not an event type the service consumes' }] };
  const problems = parsed.problems ?? [{ field: '', message: `${parsed.reason}: ${parsed.detail}` }];
  return { ok: false, errors: problems.map(({ field, message }) => ({ field: field === '' || field === 'payload' ? 'payload' : `payload.${field}`, message })) };
}
