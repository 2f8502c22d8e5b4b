import type { Channel, NotificationType } from './notification-type.js';

/**
 * Which failed notifications a bulk retry takes (docs/adr/0028-publishing-and-bulk-retry.md): each
 * one failed, never retried, and with no one-time secret erased, as NotificationRequest.retryOf asks.
 */
export interface FailedFilter {
  readonly type: NotificationType | null;
  readonly channel: Channel | null;
  /** Failed at or after this instant. */
  readonly failedSince: Date | null;
  /**
   * Failed before this instant: at the latest when the run began, so that a retry failing while the
   * run goes on is not retried by the same run.
   */
  readonly failedUntil: Date;
}

/** Where a walk through the failed notifications, oldest failure first, stopped. */
export interface FailedPosition {
  readonly failedAt: Date;
  readonly id: string;
}

/** Notifications one bulk retry retries at most; more matching are left for the next call. */
export const BULK_RETRY_MAX = 10_000;
