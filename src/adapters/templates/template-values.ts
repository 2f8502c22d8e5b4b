/**
 * How the helpers read what a template hands them (src/adapters/templates/template-helpers.ts).
 * Values come from senders, so nothing here throws: what cannot be read is null, or '' as text.
 */

/** Strings, numbers, booleans and dates as text; anything else (null, objects, arrays) is ''. */
export function templateText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return '';
}

const NUMERIC = /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
/** Longer strings are no number or date: parsing them would cost a template's loop time for nothing. */
const READABLE_LENGTH = 64;

/** A finite number, from a number or a numeric string (`"19.99"`, `"-1e3"`); null otherwise. */
export function templateNumber(value: unknown): number | null {
  const readable = typeof value === 'string' && value.length <= READABLE_LENGTH && NUMERIC.test(value);
  const number = readable ? Number(value) : typeof value === 'bigint' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
}

export interface TemplateDate {
  readonly date: Date;
  /** A calendar day without a time (`2024-03-05`): shown as that day in every time zone. */
  readonly dateOnly: boolean;
}

// ISO 8601 only: other strings Date would parse in the server's own zone, or guess at ("1" is 2001).
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** A Date, epoch milliseconds or an ISO 8601 string (UTC when it names no offset); null otherwise. */
export function templateDate(value: unknown): TemplateDate | null {
  if (value instanceof Date || typeof value === 'number') return valid(new Date(value instanceof Date ? value.getTime() : value), false);
  const parts = typeof value === 'string' && value.length <= READABLE_LENGTH ? ISO.exec(value.trim()) : null;
  if (!parts) return null;
  const [, day, time, fraction = '', zone = 'Z'] = parts;
  if (time === undefined) return valid(new Date(`${day}T00:00:00Z`), true);
  const offset = /^z$/i.test(zone) ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  return valid(new Date(`${day}T${time}${fraction.slice(0, 4)}${offset}`), false);
}

function valid(date: Date, dateOnly: boolean): TemplateDate | null {
  return Number.isNaN(date.getTime()) ? null : { date, dateOnly };
}
