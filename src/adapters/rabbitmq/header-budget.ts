/**
 * An upper bound of the bytes one value takes in an AMQP field table, its type tag included. The
 * values are what amqplib decoded: strings, byte arrays, arrays, nested tables, and numbers,
 * booleans, timestamps or void at most a tag and 8 bytes. A typed value ({'!': type, value}) is
 * counted as a table, which is more than it takes.
 */
export function encodedSize(value: unknown): number {
  if (typeof value === 'string') return 5 + Buffer.byteLength(value);
  if (Buffer.isBuffer(value)) return 5 + value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + encodedSize(item), 5);
  if (value !== null && typeof value === 'object') return 1 + tableSize(value as Record<string, unknown>);
  return 9;
}

function entrySize(key: string, value: unknown): number {
  return 1 + Buffer.byteLength(key) + encodedSize(value);
}

/** An upper bound of the bytes `table` takes encoded, its 4-byte length included. */
export function tableSize(table: Readonly<Record<string, unknown>>): number {
  return Object.entries(table).reduce((sum, [key, value]) => sum + entrySize(key, value), 4);
}

export interface Trimmed {
  readonly headers: Record<string, unknown>;
  /** The names of the headers left out, largest first. */
  readonly dropped: readonly string[];
}

/** `headers` within `budget` bytes encoded: the largest are left out first, so that most of them stay. */
export function withinBudget(headers: Readonly<Record<string, unknown>>, budget: number): Trimmed {
  const entries = Object.entries(headers).map(([key, value]) => ({ key, value, size: entrySize(key, value) }));
  let total = entries.reduce((sum, e) => sum + e.size, 4);
  const dropped = new Set<string>();
  for (const entry of [...entries].sort((a, b) => b.size - a.size)) {
    if (total <= budget) break;
    dropped.add(entry.key);
    total -= entry.size;
  }
  const kept = entries.filter((e) => !dropped.has(e.key)).map((e) => [e.key, e.value] as const);
  return { headers: Object.fromEntries(kept), dropped: [...dropped] };
}
