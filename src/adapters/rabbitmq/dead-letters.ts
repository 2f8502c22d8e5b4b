import { createHash } from 'node:crypto';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { printable } from '../observability/printable.js';
import { text } from './amqp-delivery.js';
import { DEAD_LETTER_AT_HEADER, DEAD_LETTER_ID_HEADER } from './dead-letter-message.js';
import { withinBudget } from './header-budget.js';

export interface DeadLetter {
  readonly exchange: string;
  /** The queue the message was consumed from, recorded in `x-original-queue`. */
  readonly queue: string;
  readonly reason: string;
  readonly detail: string;
  /** The message's `x-delivery-count` when it was dead-lettered (0: first delivery). */
  readonly deliveryCount: number;
}

/** What a header carries of an untrusted detail or list of names. */
const SHOWN_MAX = 1_000;
/**
 * amqplib encodes a header table in at most 65,536 bytes, and refuses more. A message can arrive
 * with nearly that much, so the copied headers get 56 KiB and the service's own (each bounded) the rest.
 */
const COPIED_HEADERS_BUDGET = 56 * 1024;
const DROPPED = 'x-dead-letter-dropped-headers';

type Headers = Record<string, unknown>;

const asJson = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

/**
 * The copy's id, the dead letter's identity in the table (ADR 24): the same for every delivery of
 * one message (its x-delivery-count aside), so a copy published again after a crash between its
 * confirm and the ack is the same dead letter; different for any message that differs in a byte,
 * a header or a property. Identical messages without a message id or timestamp are one dead letter.
 */
function copyId(message: ConsumeMessage, queue: string): string {
  const { 'x-delivery-count': _count, ...headers } = (message.properties.headers ?? {}) as Headers;
  const { messageId, correlationId, type, timestamp, contentType } = message.properties;
  const identity = JSON.stringify([queue, message.fields.exchange, message.fields.routingKey, messageId, correlationId, type, timestamp, contentType, headers], asJson);
  return createHash('sha256').update(identity).update(message.content).digest('hex').slice(0, 32);
}

function ownHeaders(message: ConsumeMessage, letter: DeadLetter): Headers {
  const { fields } = message;
  return {
    [DEAD_LETTER_ID_HEADER]: copyId(message, letter.queue),
    [DEAD_LETTER_AT_HEADER]: new Date().toISOString(),
    'x-dead-letter-reason': letter.reason,
    'x-dead-letter-detail': printable(letter.detail, SHOWN_MAX),
    'x-dead-letter-delivery-count': letter.deliveryCount,
    'x-original-exchange': fields.exchange,
    'x-original-routing-key': fields.routingKey,
    'x-original-queue': letter.queue,
  };
}

/**
 * The broker's record of deaths. The mover takes a message that has it for one the broker
 * dead-lettered, and reads its reason and routing key there (docs/adr/0024-dead-letters-as-rows.md):
 * on a message the service consumed it is its publisher's, so the copy leaves it out, and names it.
 */
const BROKER_DEATHS = 'x-death';

/**
 * The message's headers as the copy carries them, within the budget. Without `x-delivery-count`:
 * the count is in `x-dead-letter-delivery-count`, and a copy replayed into the queue must start
 * from its first delivery again. Without `x-death` (BROKER_DEATHS).
 */
function copiedHeaders(message: ConsumeMessage, own: Headers): Headers {
  const given = message.properties.headers ?? {};
  const left = new Set(['x-delivery-count', DROPPED, BROKER_DEATHS]);
  const original = Object.entries(given).filter(([key]) => !left.has(key) && !Object.hasOwn(own, key));
  const { headers, dropped } = withinBudget(Object.fromEntries(original), COPIED_HEADERS_BUDGET);
  const named = [...(Object.hasOwn(given, BROKER_DEATHS) ? [BROKER_DEATHS] : []), ...dropped];
  return named.length === 0 ? headers : { ...headers, [DROPPED]: printable(named.join(', '), SHOWN_MAX) };
}

/**
 * Publishes a copy of `message` to the dead-letter exchange with the reason in headers, and
 * resolves once the broker confirmed it; rejects on a nack or a closed channel. Only then may the
 * original be acked: at-least-once dead-lettering (ADR 5). A copy amqplib cannot encode (it throws
 * before sending anything) goes with the service's headers alone: handing the message back would
 * only bring it round to the same refusal.
 */
export function publishDeadLetter(channel: ConfirmChannel, message: ConsumeMessage, letter: DeadLetter): Promise<void> {
  const own = ownHeaders(message, letter);
  return send(channel, message, letter.exchange, { ...copiedHeaders(message, own), ...own }).catch((error: unknown) => {
    if (!(error instanceof RangeError || error instanceof TypeError)) throw error;
    return send(channel, message, letter.exchange, { ...own, [DROPPED]: `all: the copy could not be encoded with them (${printable(error.message, 200)})` });
  });
}

function send(channel: ConfirmChannel, message: ConsumeMessage, exchange: string, headers: Headers): Promise<void> {
  const options = { ...stripped(message.properties), headers, persistent: true };
  return new Promise((resolve, reject) => {
    channel.publish(exchange, message.fields.routingKey, message.content, options, (error) =>
      error ? reject(error instanceof Error ? error : new Error(`the broker refused the dead letter: ${String(error)}`)) : resolve(),
    );
  });
}

function stripped(properties: ConsumeMessage['properties']) {
  return {
    contentType: text(properties.contentType),
    contentEncoding: text(properties.contentEncoding),
    correlationId: text(properties.correlationId),
    messageId: text(properties.messageId),
    type: text(properties.type),
    timestamp: typeof properties.timestamp === 'number' ? properties.timestamp : undefined,
    appId: text(properties.appId),
  };
}
