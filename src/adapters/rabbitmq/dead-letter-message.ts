import { createHash } from 'node:crypto';
import { type DeadLetterMessage, REPLAYED_FROM_HEADER, type StoredHeaders } from '../../domain/dead-letter.js';
import { printable } from '../observability/printable.js';
import { storableText } from '../postgres/storable-text.js';
import { isUuid } from '../postgres/uuid.js';
import { type Delivery, text } from './amqp-delivery.js';
import { deathsOf, storableDate } from './x-death.js';
import { storedHeaders } from './stored-headers.js';

/** The consumer's own limit (a larger event is refused unread): a dead letter keeps as much, and says it cut the rest. */
export const DEAD_LETTER_BODY_MAX = 256 * 1024;
/** What the headers of one dead letter may take; the largest are left out first. */
export const DEAD_LETTER_HEADERS_BUDGET = 64 * 1024;
const DETAIL_MAX = 1_000;

/** The service stamps its dead-letter copies with a unique id (dead-letters.ts): the message's identity. */
export const DEAD_LETTER_ID_HEADER = 'x-dead-letter-id';
export const DEAD_LETTER_AT_HEADER = 'x-dead-letter-at';

type Headers = Readonly<Record<string, unknown>>;

/** AMQP names (routing keys, exchanges, queues) are at most 255 bytes: a header may say more. */
const NAME_MAX_BYTES = 255;

/** `value` cut to at most `max` UTF-8 bytes, at a character's end. */
function withinBytes(value: string, max: number): string {
  if (Buffer.byteLength(value) <= max) return value;
  let bytes = 0;
  let end = 0;
  for (const char of value) {
    bytes += Buffer.byteLength(char);
    if (bytes > max) break;
    end += char.length;
  }
  return value.slice(0, end);
}

const amqpName = (value: string) => withinBytes(storableText(value), NAME_MAX_BYTES);

/**
 * Its identity: the service's stamp on a copy it made, else a hash of everything the broker
 * delivers the same each time (body, headers but the redelivery count and `x-dead-letter-at`,
 * properties). `x-dead-letter-at` is when a copy was made: a copy published again after a crash
 * between its confirm and the ack has another, and is the same message. Two identical messages the
 * broker dead-lettered within the same second would be taken for one: its x-death times are in seconds.
 */
function messageKey(delivery: Delivery, headers: StoredHeaders, serviceCopy: boolean): string {
  const stamp = serviceCopy ? text(headers[DEAD_LETTER_ID_HEADER]) : undefined;
  if (stamp) return `id:${stamp.slice(0, 200)}`;
  const { [DEAD_LETTER_AT_HEADER]: _copiedAt, ...identifying } = headers;
  const { messageId, timestamp, type, correlationId, contentType } = delivery;
  const hash = createHash('sha256').update(JSON.stringify([identifying, messageId, timestamp, type, correlationId, contentType])).update(delivery.body);
  return `sha256:${hash.digest('hex')}`;
}

const given = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function dateOf(value: unknown): Date | null {
  const date = typeof value === 'string' ? new Date(value) : null;
  return date && storableDate(date) ? date : null;
}

/**
 * Its reason, deaths and where it was first published. A message with x-death was dead-lettered
 * by the broker: all of it comes from x-death, and the x-dead-letter-* and x-original-* headers it
 * carries are its publisher's, whatever they say; its key is a hash of the message, never a header.
 * Without x-death it is a copy the service dead-lettered (the dead-letter exchange is the service's:
 * no publisher should be allowed to write to it), and the service's headers say.
 */
function deathOf(delivery: Delivery, headers: Headers, receivedAt: Date) {
  const deaths = deathsOf(headers['x-death']);
  if (deaths) {
    const detail = `dead-lettered by the broker: ${deaths.reason} from queue ${deaths.queue}${deaths.count > 1 ? ` (${deaths.count} times)` : ''}`;
    return { ...deaths, detail, firstDeathAt: deaths.firstAt ?? receivedAt, lastDeathAt: deaths.lastAt ?? receivedAt, deathCount: deaths.count, serviceCopy: false };
  }
  const reason = text(headers['x-dead-letter-reason']);
  const at = dateOf(headers[DEAD_LETTER_AT_HEADER]) ?? receivedAt;
  const detail = text(headers['x-dead-letter-detail']) ?? (reason ? '' : 'no reason given: neither x-dead-letter-reason nor x-death');
  // '' is a name: the default exchange, through which an event published over REST came (ADR 28).
  const original = (name: string, otherwise: string) => given(headers[`x-original-${name}`]) ?? otherwise;
  return {
    reason: reason ?? 'unknown',
    detail,
    firstDeathAt: at,
    lastDeathAt: at,
    deathCount: 1,
    queue: original('queue', ''),
    exchange: original('exchange', delivery.exchange ?? ''),
    routingKey: original('routing-key', delivery.routingKey),
    serviceCopy: true,
  };
}

/** A message of the dead-letter queue as a dead letter (docs/adr/0024-dead-letters-as-rows.md). */
export function deadLetterMessage(delivery: Delivery, receivedAt: Date): DeadLetterMessage {
  // The dead-letter queue's own count of deliveries is no part of the message.
  const { 'x-delivery-count': _count, ...raw } = delivery.headers;
  const { headers, whole, dropped } = storedHeaders(raw, DEAD_LETTER_HEADERS_BUDGET);
  const death = deathOf(delivery, raw, receivedAt);
  const replayOf = text(raw[REPLAYED_FROM_HEADER]);
  const { body } = delivery;
  return {
    messageKey: messageKey(delivery, whole, death.serviceCopy),
    body: body.subarray(0, DEAD_LETTER_BODY_MAX),
    bodyTruncated: body.length > DEAD_LETTER_BODY_MAX,
    bodySize: body.length,
    headers,
    droppedHeaders: dropped,
    properties: definedOnly({ messageId: delivery.messageId, correlationId: delivery.correlationId, contentType: delivery.contentType, type: delivery.type }),
    // As they were: a replay publishes with the same routing key (and refuses one the service's bindings do not route).
    exchange: amqpName(death.exchange),
    routingKey: amqpName(death.routingKey),
    queue: amqpName(death.queue),
    reason: printable(death.reason, 100),
    detail: printable(death.detail, DETAIL_MAX),
    firstDeathAt: death.firstDeathAt,
    lastDeathAt: death.lastDeathAt,
    deathCount: death.deathCount,
    // Anyone may send the header: the store keeps it only when it names a dead letter that was replayed.
    replayOf: replayOf && isUuid(replayOf) ? replayOf : null,
  };
}

/** The properties given, made storable (a message id may hold a NUL, which jsonb refuses). */
function definedOnly<T extends Record<string, string | undefined>>(values: T): { [K in keyof T]?: string } {
  const given = Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return Object.fromEntries(given.map(([key, value]) => [key, storableText(value)])) as { [K in keyof T]?: string };
}
