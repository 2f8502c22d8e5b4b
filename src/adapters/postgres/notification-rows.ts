import type { Kysely } from 'kysely';
import type { Channel, NotificationType } from '../../domain/notification-type.js';
import type {
  AttemptOutcome,
  DeliveryAttempt,
  NotificationSnapshot,
  NotificationStatus,
  SuppressionReason,
} from '../../domain/notification-request.js';
import type { AttemptRow, Database, NotificationRow } from './database.js';

export function toAttempt(row: Omit<AttemptRow, 'notification_id'>): DeliveryAttempt {
  return {
    number: row.number,
    attemptedAt: row.attempted_at,
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

/** The attempts of several notifications in one round trip, grouped by notification id. */
export async function attemptsOf(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, DeliveryAttempt[]>> {
  const byId = new Map<string, DeliveryAttempt[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byId;
  const rows = await db
    .selectFrom('notification_attempts')
    .selectAll()
    .where('notification_id', 'in', ids)
    .orderBy('number')
    .execute();
  for (const row of rows) byId.get(row.notification_id)?.push(toAttempt(row));
  return byId;
}
