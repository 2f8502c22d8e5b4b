/** `scheduled`: held until a time of the recipient's (the end of their quiet hours), then sent as `pending`. */
export const NOTIFICATION_STATUSES = ['pending', 'scheduled', 'sending', 'sent', 'retrying', 'failed', 'suppressed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** Final statuses: nothing happens to the notification any more (retention counts from here). */
export const FINAL_STATUSES = ['sent', 'failed', 'suppressed'] as const satisfies readonly NotificationStatus[];

/** Why a notification was recorded but never sent. */
export const SUPPRESSION_REASONS = [
  'preference_opt_out',
  'duplicate',
  'invalid_recipient',
  /** The profile holds no address for the channel (no phone number, no device token, no webhook). */
  'no_contact_point',
  /** The service has no provider configured for the channel. */
  'channel_not_configured',
  /** The address is in the suppressions (the recipient replied STOP, ...). */
  'recipient_suppressed',
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/**
 * Why a notification failed: the provider refused it, its retry plan ran out, it was claimed
 * again after its third expired lease (a send that keeps killing its worker is not resent for
 * ever), or its time to live ran out before it could be sent (never sent late).
 */
export const FAILURE_REASONS = ['permanent_failure', 'retries_exhausted', 'lease_expired', 'expired'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Why a notification is `scheduled` rather than sent now: the recipient's quiet hours. */
export const HOLD_REASONS = ['quiet_hours'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** The one reason on a notification that was not sent (suppressed or failed) or not yet (scheduled), with why. */
export const STATUS_REASONS = [...SUPPRESSION_REASONS, ...FAILURE_REASONS, ...HOLD_REASONS] as const;
export type StatusReason = SuppressionReason | FailureReason | HoldReason;
