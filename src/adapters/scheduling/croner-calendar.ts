import { Cron } from 'croner';
import type { ScheduleCalendar } from '../../application/ports/schedule-calendar.js';
import { InvalidValueError } from '../../domain/errors.js';
import { parseIsoDateTime } from './iso-date-time.js';
import { canonicalZone, instantAt, wallClockOf } from '../../domain/zoned-time.js';

const MAX_EXPRESSION_LENGTH = 120;
/** Whether an expression can fire at all is asked from a fixed date, so the answer never changes. */
const REFERENCE = new Date('2000-01-01T00:00:00Z');

/**
 * Croner matches the cron fields on the wall clock (it runs at UTC, on floating times), and this
 * adapter turns each local time into an instant by the rules of the ScheduleCalendar port. Croner's
 * own time-zone mode is not used: it runs a job whose hour or minute is a list, range or step
 * on both passes of a repeated hour and skips the local times in a gap, which the port's rules do not.
 */
export class CronerScheduleCalendar implements ScheduleCalendar {
  checkTimeZone(timeZone: string, field: string): string {
    const zone = canonicalZone(timeZone);
    if (zone === null) throw new InvalidValueError(field, `is not an IANA time zone (such as Europe/Berlin): ${JSON.stringify(timeZone)}`);
    return zone;
  }

  checkRecurrence(expression: string, field: string): void {
    if (expression.length > MAX_EXPRESSION_LENGTH) throw new InvalidValueError(field, `must be at most ${MAX_EXPRESSION_LENGTH} characters`);
    const cron = parse(expression, field);
    const parts = expression.trim().split(/\s+/);
    if (parts.length === 6 && !/^\d{1,2}$/.test(parts[0] ?? '')) {
      throw new InvalidValueError(field, 'would fire more than once a minute: a seconds field must be a single number from 0 to 59');
    }
    if (cron.nextRun(REFERENCE) === null) throw new InvalidValueError(field, 'never fires: no date matches it');
  }

  nextAfter(recurrence: string, timeZone: string | null, after: Date): Date | null {
    const zone = timeZone ?? 'UTC';
    const cron = parse(recurrence, 'recurrence');
    // Local times of a repeated hour that already happened on its first pass come round again;
    // they are passed over until a local time lies after `after`.
    for (let wall = new Date(wallClockOf(after.getTime(), zone)); ; ) {
      const next = cron.nextRun(wall);
      if (next === null) return null;
      const instant = instantAt(next.getTime(), zone);
      if (instant > after.getTime()) return new Date(instant);
      wall = next;
    }
  }

  instantOf(sendAt: string, timeZone: string | null, field: string): Date {
    const parsed = parseIsoDateTime(sendAt);
    if (!parsed) throw new InvalidValueError(field, 'must be an ISO-8601 date-time, such as 2026-03-29T09:30:00+02:00 (or without the offset, with a time zone)');
    if (parsed.offsetMs !== null) return new Date(parsed.wall - parsed.offsetMs);
    if (timeZone === null) throw new InvalidValueError(field, 'has no UTC offset: add one (Z, +02:00) or give a time zone');
    return new Date(instantAt(parsed.wall, timeZone));
  }
}

function parse(expression: string, field: string): Cron {
  try {
    return new Cron(expression, { utcOffset: 0, mode: '5-or-6-parts' });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
    throw new InvalidValueError(field, `is not a cron expression (minute hour day-of-month month day-of-week): ${reason}`);
  }
}
