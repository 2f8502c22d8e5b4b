import { DEATH_HEADERS, type HeaderValue, type StoredHeaders } from '../../domain/dead-letter.js';
import { storableText } from '../postgres/storable-text.js';
import { encodable } from './amqp-encodable.js';
import { withinBudget } from './header-budget.js';

/** Deeper tables are kept as a note: a header nested this deep is no header anyone reads. */
const MAX_DEPTH = 16;

/**
 * An AMQP header value as JSON: strings made storable (PostgreSQL refuses U+0000 in jsonb), typed
 * values such as timestamps kept as amqplib's `{"!": type, value}` (which it encodes back on a
 * replay), byte arrays as base64 text (a replay sends them as strings), numbers that JSON cannot
 * hold as text.
 */
function stored(value: unknown, depth: number): HeaderValue {
  if (typeof value === 'string') return storableText(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean' || value === null || value === undefined) return value ?? null;
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (depth >= MAX_DEPTH) return `[nested deeper than ${MAX_DEPTH} levels]`;
  if (Array.isArray(value)) return value.map((item) => stored(item, depth + 1));
  if (typeof value === 'object') return table(value as Record<string, unknown>, depth + 1);
  return String(value);
}

function table(headers: Readonly<Record<string, unknown>>, depth: number): Record<string, HeaderValue> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [storableText(key), stored(value, depth)]));
}

export interface BudgetedHeaders {
  readonly headers: StoredHeaders;
  /** Every header as JSON, before the budget: what identifies the message. */
  readonly whole: StoredHeaders;
  readonly dropped: readonly string[];
}

/**
 * At most this many headers are stored: what is past it is left out, counted in one entry of the
 * dropped names. 64 KiB of AMQP table holds some 20,000 one-letter headers, each checked and kept.
 */
export const STORED_HEADERS_MAX = 1_000;

/** The first `max` headers, those a death added first (they say what happened), and a note of how many more. */
function capped(headers: StoredHeaders, max: number): { kept: [string, HeaderValue][]; past: string[] } {
  const entries = Object.entries(headers);
  if (entries.length <= max) return { kept: entries, past: [] };
  const deaths = new Set(DEATH_HEADERS);
  const ordered = [...entries.filter(([key]) => deaths.has(key)), ...entries.filter(([key]) => !deaths.has(key))];
  return { kept: ordered.slice(0, max), past: [`${entries.length - max} more: past the first ${max} headers`] };
}

/**
 * The headers as stored, within `budget` bytes (the largest left out first, and named) and
 * STORED_HEADERS_MAX. A header amqplib could not encode back (a table with a `!` key it does not
 * know, a key over 255 bytes) is left out and named too: a replay publishes the stored headers, and
 * would throw on it every time.
 */
export function storedHeaders(headers: Readonly<Record<string, unknown>>, budget: number): BudgetedHeaders {
  const whole = table(headers, 0);
  const { kept: first, past } = capped(whole, STORED_HEADERS_MAX);
  const unencodable = first.filter(([key, value]) => !encodable(key, value)).map(([key]) => key);
  const refused = new Set(unencodable);
  const { headers: kept, dropped } = withinBudget(Object.fromEntries(first.filter(([key]) => !refused.has(key))), budget);
  return { headers: kept as StoredHeaders, whole, dropped: [...unencodable, ...dropped, ...past] };
}
