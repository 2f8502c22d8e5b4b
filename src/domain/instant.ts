import { InvalidValueError } from './errors.js';

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An instant given as ISO-8601 text with its offset (`Z` or `+02:00`): a time without one would
 * mean a different instant on every machine, so it is refused, as is a date that does not exist.
 */
export function instantOf(raw: unknown, field: string): Date {
  if (typeof raw !== 'string' || !WITH_OFFSET.test(raw)) throw new InvalidValueError(field, 'must be an ISO-8601 date-time with an offset, such as 2026-12-01T09:00:00Z');
  const instant = new Date(raw);
  const [year, month, day] = raw.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (Number.isNaN(instant.getTime()) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    throw new InvalidValueError(field, 'is not a date that exists');
  }
  return instant;
}
