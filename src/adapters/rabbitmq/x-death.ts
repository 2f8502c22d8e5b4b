import { text } from './amqp-delivery.js';

/** What the broker's x-death header tells of a message's deaths. */
export interface BrokerDeaths {
  /** Of the latest death (the header's first entry): delivery_limit, rejected, expired, maxlen. */
  readonly reason: string;
  readonly queue: string;
  readonly exchange: string;
  /** The routing key it was first published with. */
  readonly routingKey: string;
  /** Deaths in every queue, summed. */
  readonly count: number;
  readonly firstAt: Date | null;
  readonly lastAt: Date | null;
}

type Entry = Readonly<Record<string, unknown>>;

/** Years PostgreSQL stores and a death can have happened in: a header from anyone may say year -271821. */
export function storableDate(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= 1970 && year <= 9999;
}

const isEntry = (value: unknown): value is Entry => value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);

/** amqplib decodes an AMQP timestamp (seconds) as {'!': 'timestamp', value}. */
function timeOf(value: unknown): Date | null {
  const seconds = isEntry(value) && value['!'] === 'timestamp' ? value.value : value;
  const date = typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000) : null;
  return date && storableDate(date) ? date : null;
}

/** The largest count a death_count (a PostgreSQL integer) holds: a header from anyone may say more. */
export const MAX_DEATH_COUNT = 2 ** 31 - 1;

function countOf(entry: Entry): number {
  const count = entry.count;
  return typeof count === 'number' && Number.isInteger(count) && count > 0 ? Math.min(count, MAX_DEATH_COUNT) : 1;
}

/**
 * The x-death header read, or null when the message has none usable. RabbitMQ keeps one entry per
 * queue and reason, the latest first, each with how often and (in seconds) when.
 */
export function deathsOf(header: unknown): BrokerDeaths | null {
  const entries = Array.isArray(header) ? header.filter(isEntry) : [];
  const latest = entries[0];
  if (!latest) return null;
  const keys = Array.isArray(latest['routing-keys']) ? latest['routing-keys'] : [];
  const times = entries.map((e) => timeOf(e.time)).filter((t): t is Date => t !== null).map((t) => t.getTime());
  return {
    reason: text(latest.reason) ?? 'unknown',
    queue: text(latest.queue) ?? '',
    exchange: text(latest.exchange) ?? '',
    routingKey: text(keys[0]) ?? '',
    count: Math.min(entries.reduce((sum, e) => sum + countOf(e), 0), MAX_DEATH_COUNT),
    firstAt: times.length > 0 ? new Date(Math.min(...times)) : null,
    lastAt: times.length > 0 ? new Date(Math.max(...times)) : null,
  };
}
