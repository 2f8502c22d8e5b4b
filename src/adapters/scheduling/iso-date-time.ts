export interface ParsedDateTime {
  /** The date and time as written, as a floating time (its UTC fields are the written ones). */
  readonly wall: number;
  /** The written UTC offset in milliseconds (0 for Z); null when none was written. */
  readonly offsetMs: number | null;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const OFFSET = /^([+-])(\d{2}):?(\d{2})?$/;

/** Milliseconds east of UTC; null when none is written, undefined when it is out of range. */
function offsetOf(text: string | undefined): number | null | undefined {
  if (text === undefined) return null;
  if (text.toUpperCase() === 'Z') return 0;
  const [, sign, hours, minutes] = OFFSET.exec(text) ?? [];
  const [h, m] = [Number(hours), Number(minutes ?? '0')];
  if (h > 23 || m > 59) return undefined;
  return (sign === '-' ? -1 : 1) * (h * 60 + m) * 60_000;
}

/**
 * An ISO-8601 extended date-time (seconds and fraction optional, then `Z`, `±hh`, `±hhmm`,
 * `±hh:mm` or nothing); null for anything else, a date that does not exist (02-30) included.
 */
export function parseIsoDateTime(text: string): ParsedDateTime | null {
  const match = DATE_TIME.exec(text);
  if (!match) return null;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => Number(part ?? '0'));
  const ms = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetMs = offsetOf(match[8]);
  const wall = new Date(0);
  wall.setUTCFullYear(year, month - 1, day);
  wall.setUTCHours(hour, minute, second, ms);
  const exists = wall.getUTCMonth() === month - 1 && wall.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return exists && offsetMs !== undefined ? { wall: wall.getTime(), offsetMs } : null;
}
