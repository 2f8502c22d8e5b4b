import { InvalidValueError } from '../../domain/errors.js';
import { instantOf } from '../../domain/instant.js';
import type { AnalyticsWindow, SeriesInterval } from '../ports/analytics.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The widest window asked for at once: the aggregates are kept this long by default (ADR 25). */
export const MAX_WINDOW_DAYS = 400;
/** Minute points cover at most a day (1,440 points); longer windows are charted by the hour. */
export const MAX_MINUTE_SERIES_MS = DAY_MS;

/** `from` and `to` as asked (ISO-8601 with an offset), by default the 24 hours before now. */
export function analyticsWindow(from: string | null, to: string | null, now: Date): AnalyticsWindow {
  const end = to === null ? now : instantOf(to, 'to');
  const start = from === null ? new Date(end.getTime() - DAY_MS) : instantOf(from, 'from');
  if (start > end) throw new InvalidValueError('from', 'must not be after to');
  if (end.getTime() - start.getTime() > MAX_WINDOW_DAYS * DAY_MS) throw new InvalidValueError('from', `must be at most ${MAX_WINDOW_DAYS} days before to`);
  return { from: start, to: end };
}

export function seriesInterval(raw: string | null, window: AnalyticsWindow): SeriesInterval {
  const interval = raw ?? 'hour';
  if (interval !== 'minute' && interval !== 'hour') throw new InvalidValueError('interval', 'must be minute or hour');
  if (interval === 'minute' && window.to.getTime() - window.from.getTime() > MAX_MINUTE_SERIES_MS) {
    throw new InvalidValueError('interval', 'minute covers at most 24 hours: ask for hour, or a shorter window');
  }
  return interval;
}
