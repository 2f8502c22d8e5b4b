import { AUDIT_DEFAULT_SIZE, AUDIT_MAX_OFFSET, AUDIT_MAX_SIZE } from '../../application/queries/audit.query.js';
import type { AuditRecord } from '../../application/ports/audit-read-model.js';
import { AUDIT_ACTIONS } from '../../domain/audit.js';
import { BULK_RETRY_MAX } from '../../domain/bulk-retry.js';
import { CHANNELS } from '../../domain/notification-type.js';
import { ContentText, OneLine } from './schemas.js';
import { z } from './zod.js';

const Instant = z.iso.datetime({ offset: true });

export const AuditListQuery = z.strictObject({
  action: z.enum(AUDIT_ACTIONS).optional(),
  key_id: OneLine(200).min(1).optional().openapi({ description: 'The API key that acted (its id)' }),
  target_type: OneLine(100).min(1).optional().openapi({ description: 'notification, notifications, api_key, template, user, suppression, dead_letter...' }),
  target_id: OneLine(500).min(1).optional(),
  from: Instant.optional().openapi({ description: 'At or after this instant' }),
  to: Instant.optional().openapi({ description: 'Before this instant' }),
  page: z.coerce.number().int().min(1).optional().openapi({ description: `From 1; give page or cursor; at most ${AUDIT_MAX_OFFSET} rows deep: further, follow next_cursor` }),
  page_size: z.coerce.number().int().min(1).max(AUDIT_MAX_SIZE).optional().openapi({ description: `1 to ${AUDIT_MAX_SIZE}, default ${AUDIT_DEFAULT_SIZE}` }),
  cursor: OneLine(512).optional().openapi({ description: 'next_cursor of the previous page' }),
});

const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.iso.datetime(),
    key_id: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    target_type: z.string(),
    target_id: z.string(),
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('AuditEntry');

export const AuditPageResponse = z
  .object({ items: z.array(AuditEntrySchema), next_cursor: z.string().nullable(), page: z.number().int().optional(), page_size: z.number().int().optional() })
  .openapi('AuditPage');

export function auditEntryJson(e: AuditRecord) {
  return { id: e.id, at: e.at.toISOString(), key_id: e.keyId, action: e.action, target_type: e.target.type, target_id: e.target.id, detail: e.target.detail ?? null };
}

export const BulkRetryBody = z
  .strictObject({
    status: z.literal('failed').default('failed').openapi({ description: 'Only failed notifications are retried' }),
    type: OneLine(64).min(1).optional(),
    channel: z.enum(CHANNELS).optional(),
    failed_since: Instant.optional().openapi({ description: 'Failed at or after this instant' }),
    failed_until: Instant.optional().openapi({ description: 'Failed before this instant (default: now)' }),
    dry_run: z.boolean().default(false).openapi({ description: 'Count only; nothing is retried' }),
  })
  .openapi('BulkRetry');

export const BulkRetryResponse = z
  .object({
    dry_run: z.boolean(),
    count: z.number().int().openapi({ description: `Retried (or, dry run, that would be), at most ${BULK_RETRY_MAX}` }),
    remaining: z.number().int().openapi({ description: 'Matching and not retried: beyond the cap, or taken meanwhile by another run' }),
    notification_ids: z.array(z.uuid()).optional().openapi({ description: 'The new notifications (not in a dry run)' }),
    run_id: z.uuid().optional().openapi({ description: "The audit entries' target_id (type notifications)" }),
  })
  .openapi('BulkRetryResult');

export const PublishEventBody = z
  .strictObject({
    routing_key: OneLine(255).min(1).openapi({ example: 'user.email_verification_requested' }),
    event_type: OneLine(255).min(1).openapi({ description: 'A type the consumer knows, dotted or its class name', example: 'user.email_verification_requested' }),
    payload: z.record(z.string(), z.unknown()).openapi({ description: "The event's fields, as the consumer reads them" }),
  })
  .openapi('PublishEvent');

export const PublishV1Body = z
  .strictObject({
    recipientId: OneLine(128).min(1).openapi({ description: "The user's id" }),
    type: z.enum(CHANNELS).openapi({ description: 'The channel' }),
    messageBody: ContentText.trim().min(1),
  })
  .openapi('PublishNotificationV1');

export const PublishedResponse = z.object({ message: z.literal('Notification accepted for processing'), event_id: z.uuid() }).openapi('Published');
