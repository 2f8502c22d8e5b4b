import type { NotificationView } from '../../application/ports/read-models.js';
import type { AttemptOutcome, DeliveryAttempt } from '../../domain/delivery-attempt.js';
import type { DeliveryReceipt, NotificationSnapshot } from '../../domain/notification-request.js';
import { type NotificationStatus, type StatusReason, SUPPRESSION_REASONS } from '../../domain/notification-status.js';
import type { Channel, NotificationType } from '../../domain/notification-type.js';
import { Priority } from '../../domain/priority.js';
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

/** The stored reason: `reason`, or for rows the previous release wrote, `suppression_reason`. */
function reasonOf(row: Pick<NotificationRow, 'reason' | 'suppression_reason'>): StatusReason | null {
  return (row.reason ?? row.suppression_reason) as StatusReason | null;
}

/** The one mapping from a notifications row to the aggregate's snapshot. */
export function toSnapshot(row: Omit<NotificationRow, 'attempt_history' | 'scheduled_attempts'>, attempts: DeliveryAttempt[]): NotificationSnapshot {
  // Written out, not spread from a shared part: `{ ...part, more }` made this mapping 60 times
  // slower (V8 cannot give such literals a stable shape), and a history page maps 51 rows.
  return {
    id: row.id,
    userId: row.user_id,
    type: row.type as NotificationType,
    channel: row.channel as Channel,
    recipient: row.recipient,
    fromProfile: row.from_profile,
    content: { subject: row.subject, body: row.body, templateVars: row.template_vars },
    priority: Priority.fromRank(row.priority),
    status: row.status as NotificationStatus,
    reason: reasonOf(row),
    attempts,
    deferrals: row.deferrals,
    leaseExpiries: row.lease_expiries,
    nextAttemptAt: row.next_attempt_at,
    leaseExpiresAt: row.lease_expires_at,
    claimToken: row.claim_token,
    correlationId: row.correlation_id,
    orderId: row.order_id,
    sourceEventId: row.source_event_id,
    retryOf: row.retry_of,
    secretVariables: row.secret_variables,
    templateVersion: row.template_version,
    locale: row.locale,
    timeZone: row.time_zone,
    expiresAt: row.expires_at,
    fallback: row.fallback as Channel[],
    fallbackOf: row.fallback_of,
    providerMessageId: row.provider_message_id,
    receipt: receiptOf(row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function receiptOf(row: Pick<NotificationRow, 'receipt_status' | 'receipt_error_code' | 'receipt_at'>): DeliveryReceipt | null {
  if (row.receipt_status === null || row.receipt_at === null) return null;
  return { status: row.receipt_status as DeliveryReceipt['status'], errorCode: row.receipt_error_code, at: row.receipt_at };
}

/** The columns a save may change. */
export function changingColumns(s: NotificationSnapshot) {
  return {
    status: s.status,
    reason: s.reason,
    // Final notifications lose their one-time secrets in this same write (the aggregate erases them).
    template_vars: JSON.stringify(s.content.templateVars),
    suppression_reason: (SUPPRESSION_REASONS as readonly string[]).includes(s.reason ?? '') ? s.reason : null,
    deferrals: s.deferrals,
    lease_expiries: s.leaseExpiries,
    next_attempt_at: s.nextAttemptAt,
    lease_expires_at: s.leaseExpiresAt,
    claim_token: s.claimToken,
    provider_message_id: s.providerMessageId,
    receipt_status: s.receipt?.status ?? null,
    receipt_error_code: s.receipt?.errorCode ?? null,
    receipt_at: s.receipt?.at ?? null,
    updated_at: s.updatedAt,
  };
}

/**
 * The SQL type of each column a save may change, for statements that take the rows as JSON
 * (jsonb_to_recordset ignores keys it is not given: a column missing here fails to compile).
 */
export const CHANGING_COLUMN_TYPES = {
  status: 'text',
  reason: 'text',
  template_vars: 'jsonb',
  suppression_reason: 'text',
  deferrals: 'int',
  lease_expiries: 'int',
  next_attempt_at: 'timestamptz',
  lease_expires_at: 'timestamptz',
  claim_token: 'uuid',
  provider_message_id: 'text',
  receipt_status: 'text',
  receipt_error_code: 'text',
  receipt_at: 'timestamptz',
  updated_at: 'timestamptz',
} as const satisfies Record<keyof ReturnType<typeof changingColumns>, string>;

/** The columns set once, when the notification is recorded. */
export function creationColumns(s: NotificationSnapshot) {
  return {
    id: s.id,
    user_id: s.userId,
    type: s.type,
    channel: s.channel,
    recipient: s.recipient,
    from_profile: s.fromProfile,
    subject: s.content.subject,
    body: s.content.body,
    priority: Priority.rank(s.priority),
    correlation_id: s.correlationId,
    order_id: s.orderId,
    source_event_id: s.sourceEventId,
    retry_of: s.retryOf,
    secret_variables: [...s.secretVariables],
    template_version: s.templateVersion,
    locale: s.locale,
    time_zone: s.timeZone,
    expires_at: s.expiresAt,
    fallback: [...s.fallback],
    fallback_of: s.fallbackOf,
    created_at: s.createdAt,
  };
}

/** What a view reads: no content or template variables to fetch and parse; attempts from the projection. */
export const VIEW_COLUMNS = [
  'id', 'user_id', 'type', 'channel', 'recipient', 'subject', 'priority', 'status', 'reason', 'suppression_reason', 'deferrals', 'next_attempt_at', 'retry_of', 'fallback_of', 'template_version', 'expires_at',
  'provider_message_id', 'receipt_status', 'receipt_error_code', 'receipt_at', 'order_id', 'created_at', 'updated_at', 'attempt_history',
] as const;

type ViewRow = Pick<NotificationRow, (typeof VIEW_COLUMNS)[number]>;

/** The one mapping from a row to what on-call sees of a notification. */
export function toView(row: ViewRow): NotificationView {
  return {
    id: row.id,
    userId: row.user_id,
    type: row.type as NotificationType,
    channel: row.channel as Channel,
    recipient: row.recipient,
    subject: row.subject,
    priority: Priority.fromRank(row.priority),
    status: row.status as NotificationStatus,
    reason: reasonOf(row),
    attempts: row.attempt_history.map(toAttempt),
    deferrals: row.deferrals,
    nextAttemptAt: row.next_attempt_at,
    retryOf: row.retry_of,
    fallbackOf: row.fallback_of,
    templateVersion: row.template_version,
    expiresAt: row.expires_at,
    providerMessageId: row.provider_message_id,
    receipt: receiptOf(row),
    orderId: row.order_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
