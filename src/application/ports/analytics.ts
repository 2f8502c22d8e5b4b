import type { Channel, NotificationType } from '../../domain/notification-type.js';

/** Final outcomes (sent, failed, suppressed) and, apart, delivery receipts (an SMS delivered or not). */
export const COUNTED_STATUSES = ['sent', 'failed', 'suppressed', 'delivered', 'undelivered'] as const;
export type CountedStatus = (typeof COUNTED_STATUSES)[number];

/** One final outcome or receipt, as analytics count it. */
export interface CountedOutcome {
  readonly at: Date;
  readonly channel: Channel;
  readonly type: NotificationType;
  readonly status: CountedStatus;
  /** Why it failed or was suppressed; null otherwise. */
  readonly reason: string | null;
  /** Sent only: from the notification's creation to the provider's acceptance. */
  readonly deliveryTimeMs: number | null;
}

/**
 * The per-minute aggregates of one unit of work (docs/adr/0025-analytics-from-minute-aggregates.md):
 * what is counted here is written in the unit's own transaction, so it commits with the outcome
 * it counts or not at all.
 */
export interface AnalyticsCounts {
  count(outcome: CountedOutcome): void;
}

export interface OutcomeTotal {
  readonly channel: string;
  readonly type: string;
  readonly status: CountedStatus;
  readonly reason: string | null;
  readonly count: number;
}

/** Delivery times of sent notifications: how many, their sum, their histogram (delivery-time-histogram.ts). */
export interface DeliveryTimes {
  readonly count: number;
  readonly totalMs: number;
  readonly buckets: readonly number[];
}

/** A window of whole minutes: from `from` (inclusive) to `to` (exclusive). */
export interface AnalyticsWindow {
  readonly from: Date;
  readonly to: Date;
}

export type SeriesInterval = 'minute' | 'hour';

export interface SeriesPoint {
  readonly at: Date;
  readonly totals: readonly OutcomeTotal[];
  readonly deliveryTimes: DeliveryTimes;
}

/** Sums of the aggregates; served by the standby while it keeps up. */
export interface AnalyticsReadModel {
  totals(window: AnalyticsWindow): Promise<{ readonly totals: readonly OutcomeTotal[]; readonly deliveryTimes: DeliveryTimes }>;
  /** Only the periods with something counted, oldest first. */
  series(window: AnalyticsWindow, interval: SeriesInterval): Promise<readonly SeriesPoint[]>;
}
