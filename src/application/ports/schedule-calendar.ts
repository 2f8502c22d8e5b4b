/**
 * Dates of schedules, read on the wall clock of an IANA time zone (null: UTC). The rules where a
 * daylight-saving change bends that clock, for a one-off local time and for each local time a
 * recurrence names alike:
 * - a local time that does not exist (skipped by a spring-forward change) happens once, at the
 *   first instant after the gap: 02:30 on 2026-03-29 in Europe/Berlin is 03:00 CEST (01:00Z);
 * - a local time that happens twice (a fall-back change) happens once, at its first occurrence:
 *   02:30 on 2026-10-25 in Europe/Berlin is 02:30 CEST (00:30Z), never 02:30 CET as well.
 * So a recurrence follows the wall clock: `30 2 * * *` fires once every day, and `0 * * * *`
 * fires once for each hour the clock shows, not twice in the repeated hour.
 */
export interface ScheduleCalendar {
  /** The zone's canonical IANA name; InvalidValueError naming `field` when there is no such zone. */
  checkTimeZone(timeZone: string, field: string): string;
  /**
   * InvalidValueError naming `field` when the cron expression (5 fields, or 6 with a leading
   * seconds field) does not parse, can never fire, or could fire more than once a minute.
   */
  checkRecurrence(expression: string, field: string): void;
  /** The first occurrence of a checked recurrence strictly after `after`; null when none is left. */
  nextAfter(recurrence: string, timeZone: string | null, after: Date): Date | null;
  /**
   * The instant an ISO-8601 date-time names: with `Z` or an offset, that instant (the zone is not
   * consulted); without, that local time in `timeZone` (a checked zone), by the rules above.
   * InvalidValueError naming `field` when it is no date-time, or has no offset and no zone is given.
   */
  instantOf(sendAt: string, timeZone: string | null, field: string): Date;
}
