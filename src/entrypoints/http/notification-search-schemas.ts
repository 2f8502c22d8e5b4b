import type { NotificationDetail, NotificationList, SearchRequest } from '../../application/queries/notification-search.query.js';
import { SEARCH_DEFAULT_PAGE_SIZE, SEARCH_MAX_OFFSET, SEARCH_MAX_PAGE_SIZE } from '../../application/queries/notification-search.query.js';
import { NOTIFICATION_STATUSES } from '../../domain/notification-status.js';
import { CHANNELS } from '../../domain/notification-type.js';
import { ORDER_ID_MAX_LENGTH } from '../../domain/order-id.js';
import { notificationJson } from './presenters.js';
import { NotificationSchema, OneLine, StorableText } from './schemas.js';
import { z } from './zod.js';

const whole = z.string().regex(/^\d{1,7}$/, 'must be a whole number').transform(Number);
const instant = z.iso.datetime({ offset: true });

/** GET /notifications: every filter optional, combined with and; unknown parameters are refused. */
export const NotificationSearchParams = z.strictObject({
  userid: OneLine(512).optional(),
  recipient: StorableText(4096).min(1).optional().openapi({ description: 'The address exactly as recorded (an email address, an E.164 number, a webhook URL, device tokens)' }),
  status: z.enum(NOTIFICATION_STATUSES).optional(),
  type: OneLine(64).min(1).optional().openapi({ description: 'A notification type (a template key)' }),
  channel: z.enum(CHANNELS).optional(),
  order_id: OneLine(ORDER_ID_MAX_LENGTH).min(1).optional(),
  created_from: instant.optional().openapi({ description: 'Created at or after this instant (ISO 8601 with an offset)' }),
  created_to: instant.optional().openapi({ description: 'Created before this instant (exclusive)' }),
  page: whole.optional().openapi({ description: `Page number from 1 (default 1); at most ${SEARCH_MAX_OFFSET} rows deep: further, follow next_cursor. Not with cursor` }),
  page_size: whole.optional().openapi({ description: `1 to ${SEARCH_MAX_PAGE_SIZE} (default ${SEARCH_DEFAULT_PAGE_SIZE})` }),
  cursor: OneLine(512).optional().openapi({ description: 'next_cursor of the previous page' }),
});

export function searchRequestOf(q: z.output<typeof NotificationSearchParams>): SearchRequest {
  const filter = {
    userId: q.userid ?? null,
    recipient: q.recipient ?? null,
    status: q.status ?? null,
    type: q.type ?? null,
    channel: q.channel ?? null,
    orderId: q.order_id ?? null,
    createdFrom: q.created_from === undefined ? null : new Date(q.created_from),
    createdTo: q.created_to === undefined ? null : new Date(q.created_to),
  };
  return { filter, page: q.page ?? null, pageSize: q.page_size ?? null, cursor: q.cursor ?? null };
}

export const NotificationListResponse = z
  .object({
    items: z.array(NotificationSchema),
    next_cursor: z.string().nullable().openapi({ description: 'Where the next page starts (also in page mode); null on the last page' }),
    page: z.number().int().optional().openapi({ description: 'Page mode only' }),
    page_size: z.number().int().optional().openapi({ description: 'Page mode only' }),
  })
  .openapi('NotificationList', { description: 'Newest first. No total: counting a million rows would cost more than the page (docs/adr/0023-finding-notifications.md)' });

export function listJson(list: NotificationList) {
  const paging = list.page === null ? {} : { page: list.page, page_size: list.pageSize };
  return { items: list.notifications.map(notificationJson), next_cursor: list.nextCursor, ...paging };
}

export const NotificationDetailResponse = NotificationSchema.extend({
  correlation_id: z.string().nullable(),
  template_key: z.string(),
  rendered: z
    .looseObject({ channel: z.enum(CHANNELS), subject: z.string().optional() })
    .nullable()
    .openapi({ description: "As it renders with its template version, in its channel's fields (email: subject, html, text); one-time secrets shown as [redacted]; null when it cannot be rendered" }),
  retried_by: z.uuid().nullable().openapi({ description: "The notification an admin's retry of this one created" }),
  fallbacks: z.array(z.uuid()).openapi({ description: 'The notifications that fell back from this one, oldest first' }),
  events: z
    .array(z.object({ event_type: z.string(), routing_key: z.string(), created_at: z.iso.datetime(), published_at: z.iso.datetime().nullable() }))
    .openapi({ description: 'Events published about it, oldest first, while the outbox keeps them (72 hours after publication)' }),
}).openapi('NotificationDetail');

export function detailJson(d: NotificationDetail) {
  return {
    ...notificationJson(d.view),
    correlation_id: d.correlationId,
    template_key: d.templateKey,
    rendered: d.rendered,
    retried_by: d.retriedBy,
    fallbacks: d.fallbacks,
    events: d.events.map((e) => ({ event_type: e.eventType, routing_key: e.routingKey, created_at: e.createdAt.toISOString(), published_at: e.publishedAt?.toISOString() ?? null })),
  };
}
