import { InvalidValueError } from './errors.js';
import { instantAt, wallClockOf } from './zoned-time.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * A daily window of local time, `start` included, `end` excluded, read in the recipient's time zone.
 * It crosses midnight when `end` is before `start` (22:00–08:00).
 */
export class QuietHours {
  private constructor(
    readonly start: string,
    readonly end: string,
  ) {}

  static of(start: string, end: string, field = 'quiet_hours'): QuietHours {
    minuteOfDay(start, `${field}.start`);
    minuteOfDay(end, `${field}.end`);
    if (start === end) throw new InvalidValueError(field, 'start and end must differ (the window would be empty or the whole day)');
    return new QuietHours(start, end);
  }

  /**
   * null when `at` is outside the window in `timeZone`; else the instant the window ends there. An
   * end that a spring-forward change skips is the first instant after the gap; an end that a
   * fall-back change repeats is its first occurrence, or, for an instant in the repeated hour after
   * it (the recipient's clock reads inside the window again), its second.
   */
  deferredUntil(at: Date, timeZone: string): Date | null {
    const wall = wallClockOf(at.getTime(), timeZone);
    const midnight = Math.floor(wall / DAY_MS) * DAY_MS;
    const minute = (wall - midnight) / MINUTE_MS;
    const [start, end] = [minuteOfDay(this.start), minuteOfDay(this.end)];
    const crossesMidnight = end < start;
    const inside = crossesMidnight ? minute >= start || minute < end : minute >= start && minute < end;
    if (!inside) return null;
    const endDay = crossesMidnight && minute >= start ? midnight + DAY_MS : midnight;
    const endWall = endDay + end * MINUTE_MS;
    const until = [instantAt(endWall, timeZone), instantAt(endWall, timeZone, 'last')].find((t) => t > at.getTime());
    return until === undefined ? null : new Date(until);
  }

  equals(other: QuietHours | null): boolean {
    return other !== null && this.start === other.start && this.end === other.end;
  }
}

function minuteOfDay(hhmm: string, field = 'quiet_hours'): number {
  const match = typeof hhmm === 'string' ? HH_MM.exec(hhmm) : null;
  if (!match) throw new InvalidValueError(field, `must be a time of day HH:MM from 00:00 to 23:59, not ${JSON.stringify(hhmm)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}
