import type { Priority } from '../../domain/priority.js';
import type { RetrySchedule } from '../../domain/retry-schedule.js';
import { type Backoff, backoffDelay, jittered } from '../backoff.js';

/** Delays before the 2nd, 3rd, ... try after a transient failure: a plan of n delays allows n + 1 attempts. */
export type RetryPlan = readonly number[];
export type RetryPlans = { readonly [P in Priority]: RetryPlan };

const SECOND = 1_000;
const seconds = (...values: number[]): RetryPlan => values.map((v) => v * SECOND);

/**
 * Long enough that greylisting (450 for 5 to 15 minutes) is survived at every priority; `critical`
 * starts fastest because a user is waiting for the link.
 */
export const DEFAULT_RETRY_PLANS: RetryPlans = {
  critical: seconds(1, 5, 15, 60, 300, 900),
  high: seconds(5, 30, 120, 600, 1800),
  normal: seconds(10, 60, 300, 900, 3600),
  low: seconds(60, 600, 3600),
};

/** Each planned delay moves by up to ±20 %, so notifications that failed together spread out. */
export const PLAN_JITTER = 0.2;

/** Provider down: a deferral that doubles from 2 s, capped at 5 minutes (the breaker gates the probes). */
export const PROVIDER_DOWN_BACKOFF: Backoff = { initialMs: 2_000, maxMs: 300_000 };

/** A provider's Retry-After is honoured up to an hour; a longer one is taken as a misconfiguration. */
const MAX_RETRY_AFTER_MS = 3_600_000;

/** The retry plans of the four priorities as the aggregate's schedule. */
export class PlannedRetrySchedule implements RetrySchedule {
  constructor(
    private readonly plans: RetryPlans,
    private readonly random: () => number = Math.random,
  ) {}

  retryAt(priority: Priority, attemptsMade: number, now: Date, retryAfterMs = 0): Date | null {
    const planned = this.plans[priority][attemptsMade - 1];
    if (planned === undefined) return null;
    return later(now, Math.max(jittered(planned, PLAN_JITTER, this.random), honoured(retryAfterMs)));
  }

  deferUntil(deferrals: number, now: Date, retryAfterMs = 0): Date {
    return later(now, Math.max(backoffDelay(deferrals, PROVIDER_DOWN_BACKOFF, this.random), honoured(retryAfterMs)));
  }
}

function honoured(retryAfterMs: number): number {
  return Math.min(Math.max(0, retryAfterMs), MAX_RETRY_AFTER_MS);
}

function later(now: Date, ms: number): Date {
  return new Date(now.getTime() + ms);
}
