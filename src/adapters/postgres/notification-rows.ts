import type { Channel, NotificationType } from '../../domain/notification-type.js';
import type {
  AttemptOutcome,
  DeliveryAttempt,
  NotificationSnapshot,
  NotificationStatus,
  SuppressionReason,
} from '../../domain/notification-request.js';
import type { NotificationRow, StoredAttempt } from './database.js';

/** An entry of notifications.attempt_history (JSON carries the time as text). */
export function toAttempt(row: StoredAttempt): DeliveryAttempt {
  return {
    number: row.number,
    attemptedAt: new Date(row.attempted_at),
    outcome: row.outcome as AttemptOutcome,
    response: row.response,
    error: row.error,
    latencyMs: row.latency_ms,
  };
}

export function toSnapshot(row: NotificationRow, attempts: DeliveryAttempt[]): NotificationSnapshot {
  return {
    id: row.id,
    userId: row.user_id,
    type: row.type as NotificationType,
    channel: row.channel as Channel,
    recipient: row.recipient,
    content: { subject: row.subject, body: row.body, templateVars: row.template_vars },
    status: row.status as NotificationStatus,
    suppressionReason: row.suppression_reason as SuppressionReason | null,
    attempts,
    scheduledAttempts: row.scheduled_attempts,
    nextAttemptAt: row.next_attempt_at,
    leaseExpiresAt: row.lease_expires_at,
    claimToken: row.claim_token,
    correlationId: row.correlation_id,
    sourceEventId: row.source_event_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
