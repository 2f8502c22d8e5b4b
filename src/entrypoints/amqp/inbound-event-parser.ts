import { correlationIdFrom, isCorrelationId } from '../../adapters/observability/correlation.js';
import type { Delivery } from '../../adapters/rabbitmq/amqp-consumer.js';
import type { InboundEvent } from '../../domain/commands.js';
import { type FieldError, InvalidFieldsError, InvalidValueError } from '../../domain/errors.js';
import { canonicalJson, sha256Hex } from '../canonical-json.js';
import { MAX_JSON_DEPTH, tooDeepField } from '../json-depth.js';
import { nulPath } from '../nul-characters.js';
import { eventIdOf } from './event-id.js';
import { type KnownEventType, SCHEMAS, dottedEventType, isKnownEventType, shown } from './event-types.js';
import { toInboundEvent } from './to-inbound-event.js';

export type PoisonReason = 'too_large' | 'unparseable' | 'too_deep' | 'unknown_event_type' | 'invalid_payload';

export type ParsedEvent =
  | {
      readonly ok: true;
      readonly eventId: string;
      readonly payloadHash: string;
      readonly eventType: string;
      readonly event: InboundEvent;
      readonly correlationId: string;
    }
  | Poison;

/** `problems`: for an invalid payload, each field at fault (named within the payload) and why. */
type Poison = { readonly ok: false; readonly reason: PoisonReason; readonly detail: string; readonly eventType?: string; readonly problems?: readonly FieldError[] };
type JsonObject = Record<string, unknown>;
type Payload = Parameters<typeof toInboundEvent>[1];

/** Larger bodies are refused unread: events are a few KiB, and 256 KiB leaves room for a long order. */
export const MAX_BODY_BYTES = 256 * 1024;

const poison = (reason: PoisonReason, detail: string, eventType?: string, problems?: readonly FieldError[]): Poison => ({
  ok: false,
  reason,
  detail,
  ...(eventType === undefined ? {} : { eventType }),
  ...(problems === undefined ? {} : { problems }),
});
const invalidPayload = (eventType: string, problems: readonly FieldError[]): Poison =>
  poison('invalid_payload', problems.map((p) => `${p.field}: ${p.message}`).join('; '), eventType, problems);
const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);
// Own properties only: a body field must never resolve to something Object.prototype holds.
const own = (object: JsonObject, key: string): unknown => (Object.hasOwn(object, key) ? object[key] : undefined);

function firstString(...candidates: unknown[]): string | undefined {
  return candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '');
}

/** Size, JSON syntax and depth, in that order: nothing recursive runs before the depth is known to be small. */
function envelopeOf(body: Buffer): { readonly ok: true; readonly envelope: JsonObject } | Poison {
  if (body.length > MAX_BODY_BYTES) return poison('too_large', `body is ${body.length} bytes, over the limit of ${MAX_BODY_BYTES}`);
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return poison('unparseable', `body is not JSON: ${shown((error as Error).message)}`); // the message quotes the body
  }
  const deep = tooDeepField(value);
  if (deep !== null) return poison('too_deep', `nested deeper than ${MAX_JSON_DEPTH} levels${deep ? ` under ${shown(deep)}` : ''}`);
  return isObject(value) ? { ok: true, envelope: value } : poison('unparseable', 'body must be a JSON object');
}

/** The event type, in README order: AMQP `type`, `event_type` header, body `event_type`, routing key. */
function eventTypeOf(delivery: Delivery, body: JsonObject): string {
  const headers = delivery.headers as JsonObject;
  return dottedEventType(firstString(delivery.type, own(headers, 'event_type'), own(body, 'event_type'), delivery.routingKey) ?? '');
}

/** The payload's own checks: characters PostgreSQL cannot store, then the type's schema. */
function validPayload(eventType: KnownEventType, data: JsonObject): { readonly ok: true; readonly payload: Payload } | Poison {
  const nul = nulPath(data);
  if (nul) return invalidPayload(eventType, [{ field: nul, message: 'must not contain NUL characters or unpaired surrogates' }]);
  const result = SCHEMAS[eventType].safeParse(data);
  if (result.success) return { ok: true, payload: result.data };
  return invalidPayload(eventType, result.error.issues.map((i) => ({ field: i.path.join('.') || 'payload', message: i.message })));
}

/** Turns one AMQP delivery into a ReceiveEvent's fields, or says why it can never be processed. */
export function parseInboundEvent(delivery: Delivery): ParsedEvent {
  const parsed = envelopeOf(delivery.body);
  if (!parsed.ok) return parsed;
  const { envelope } = parsed;
  const eventType = eventTypeOf(delivery, envelope);
  if (!isKnownEventType(eventType)) return poison('unknown_event_type', `unknown event type "${shown(eventType)}"`, eventType);
  const nested = own(envelope, 'data');
  const data = isObject(nested) ? nested : envelope;
  const valid = validPayload(eventType, data);
  if (!valid.ok) return valid;
  const id = eventIdOf([['event_id', own(envelope, 'event_id')], ['event_id', own(data, 'event_id')], ['message_id', delivery.messageId]]);
  if (!id.ok) return poison('invalid_payload', id.detail, eventType);
  try {
    const option = (name: string) => own(data, name) ?? own(envelope, name);
    const event = toInboundEvent(eventType, valid.payload, { priority: option('priority'), locale: option('locale'), expiresAt: option('expires_at'), sendAt: option('send_at') });
    const hash = sha256Hex(canonicalJson(envelope));
    const correlationId = correlationIdFrom([own(envelope, 'correlation_id'), own(data, 'correlation_id'), delivery.correlationId].find(isCorrelationId));
    return { ok: true, eventId: id.eventId ?? `sha256:${hash}`, payloadHash: hash, eventType, event, correlationId };
  } catch (error) {
    if (error instanceof InvalidValueError) return invalidPayload(eventType, error instanceof InvalidFieldsError ? error.problems : [{ field: error.field, message: error.reason }]);
    throw error;
  }
}
