import type { NotificationSnapshot } from '../../domain/notification-request.js';
import type { Channel } from '../../domain/notification-type.js';

export interface ClaimedNotification {
  /** As claimed: `sending`, with the claim's token; attempts are not loaded (sending needs the content). */
  readonly notification: NotificationSnapshot;
  readonly claimToken: string;
  /** Its previous claim's lease expired mid-send: the earlier send may have arrived (an ambiguous resend). */
  readonly resend: boolean;
  /** It was `scheduled` (held for quiet hours): the recipient's choices are read again before it goes. */
  readonly held: boolean;
}

export interface Claim {
  readonly notificationId: string;
  readonly claimToken: string;
}

/**
 * Where workers take notifications to send. The claim rule, stated here once and implemented by
 * the adapter in one statement: a notification is due when it is `pending` or `retrying` and its
 * next attempt time has come, or `sending` with an expired lease (its worker died or hung). Due
 * notifications of the given channel are claimed highest priority first, then earliest due;
 * each is set `sending` with a fresh claim token and a lease of `leaseMs`, and the claim commits
 * before anything is sent, so two workers never send the same notification while a lease holds.
 * A takeover of an expired lease counts in `leaseExpiries`.
 */
export interface ClaimOptions {
  /**
   * Whether expired leases may be taken over. A worker that has just regained the database holds
   * back: the holders of those leases may be alive and renewing them right now (the database was
   * away for all of us), and taking over would send their messages twice.
   */
  readonly takeOverExpired: boolean;
}

export interface DeliveryQueue {
  claimDue(limit: number, leaseMs: number, channel: Channel, options?: ClaimOptions): Promise<ClaimedNotification[]>;
  /** Extends the leases of the claims still held (same token, still `sending`); answers how many. */
  renewLeases(claims: readonly Claim[], leaseMs: number): Promise<number>;
  /**
   * Makes due now the notifications of `channel` deferred while their provider was down (a
   * provider-down answer their last, waiting out its backoff), only those whose recipient starts
   * with `recipientPrefix` when one is given (a webhook endpoint): its circuit breaker has just
   * closed, so they need not wait out the rest of a backoff that grew while it was open. Answers
   * how many.
   */
  releaseDeferred(channel: Channel, recipientPrefix?: string): Promise<number>;
}
