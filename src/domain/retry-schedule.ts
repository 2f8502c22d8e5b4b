import type { Priority } from './priority.js';

/** When a notification is tried again: the policy the aggregate asks, kept outside it (configured). */
export interface RetrySchedule {
  /**
   * After `attemptsMade` counted attempts of a notification at `priority`, when to try again, or
   * null when its plan is used up. A provider's own `retryAfterMs` is honoured when longer.
   */
  retryAt(priority: Priority, attemptsMade: number, now: Date, retryAfterMs?: number): Date | null;
  /** After the `deferrals`-th provider-down answer in a row, when to try again (never gives up). */
  deferUntil(deferrals: number, now: Date, retryAfterMs?: number): Date;
}
