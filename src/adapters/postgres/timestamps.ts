import pg from 'pg';

type Parser = (text: string) => unknown;

const TIMESTAMPTZ = pg.types.builtins.TIMESTAMPTZ;
const libraryParser = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as Parser;

/** The number written by `count` digits at `from`, or -1 if one of them is not a digit. */
function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Seconds east of UTC written from `at` to the end (`+HH`, `-HH:MM`, `+HH:MM:SS`), or null. */
function offsetSeconds(text: string, at: number): number | null {
  const sign = text.charCodeAt(at);
  if (sign !== 43 && sign !== 45) return null;
  const parts: number[] = [];
  let i = at + 1;
  while (parts.length < 3) {
    const n = digits(text, i, 2);
    if (n < 0 || i + 2 > text.length) return null;
    parts.push(n);
    i += 2;
    if (i === text.length) break;
    if (text.charCodeAt(i) !== 58) return null;
    i += 1;
  }
  if (i !== text.length) return null;
  const seconds = (parts[0] ?? 0) * 3600 + (parts[1] ?? 0) * 60 + (parts[2] ?? 0);
  return sign === 45 ? -seconds : seconds;
}

/**
 * timestamptz as PostgreSQL writes it (DateStyle ISO): `2026-11-22 06:40:06.890123+00`, the
 * fraction optional, the offset `±HH[:MM[:SS]]`. Read by position, without the regular
 * expressions and intermediate strings of pg's own parser: a history page holds some 150 of them,
 * and they were 6 % of the service's CPU and a fifth of the garbage that outlived a young
 * collection. Milliseconds are truncated, as pg does. Anything else (years before 1000 or after
 * 9999, BC, infinity) goes to pg's parser.
 */
export function parseTimestamptz(text: string): unknown {
  if (text.length < 22 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) {
    return libraryParser(text);
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 1000 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return libraryParser(text);
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === 46) {
    i += 1;
    let scale = 100;
    for (let d = text.charCodeAt(i) - 48; d >= 0 && d <= 9; d = text.charCodeAt(i) - 48) {
      ms += d * scale;
      scale /= 10;
      i += 1;
    }
    ms = Math.trunc(ms);
  }
  const offset = offsetSeconds(text, i);
  if (offset === null) return libraryParser(text);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 1000);
}

/** pg's type parsers with timestamptz read by parseTimestamptz; for a pool's `types` option. */
export const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): Parser {
    if (oid === TIMESTAMPTZ && format !== 'binary') return parseTimestamptz;
    return (format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text')) as Parser;
  },
};
