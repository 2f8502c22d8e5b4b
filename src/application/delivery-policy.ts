/** The retry schedule of transient failures: full-jitter exponential backoff, bounded attempts. */
export interface RetrySchedule {
  readonly baseMs: number;
  readonly capMs: number;
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { baseMs: 2_000, capMs: 10 * 60_000, maxAttempts: 6 };

/**
 * When to try again after `attemptsMade` attempts of the current schedule, or null when they are
 * used up. Full jitter: a uniform delay between 0 and min(cap, base * 2^(attempts-1)).
 */
export function nextAttemptAt(now: Date, attemptsMade: number, schedule: RetrySchedule, random: () => number): Date | null {
  if (attemptsMade >= schedule.maxAttempts) return null;
  const ceiling = Math.min(schedule.capMs, schedule.baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return new Date(now.getTime() + Math.floor(random() * ceiling));
}
