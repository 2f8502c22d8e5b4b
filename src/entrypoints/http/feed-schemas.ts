import type { FeedCounts, FeedItemView } from '../../application/ports/feed-stream.js';
import { FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT } from '../../application/queries/feed.query.js';
import { FEED_ITEM_STATUSES, feedItemStatus } from '../../domain/feed-item.js';
import { UserIdSchema } from './schemas.js';
import { z } from './zod.js';

export const FeedParams = z.strictObject({ userid: UserIdSchema });

export const FeedItemParams = z.strictObject({ userid: UserIdSchema, id: z.uuid({ error: 'must be a UUID (an item id is its notification id)' }) });

export const FeedPageQuery = z.strictObject({
  status: z.enum(FEED_ITEM_STATUSES, { error: `must be one of ${FEED_ITEM_STATUSES.join(', ')}` }).optional().openapi({ description: 'Without it: every item that is not archived' }),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(FEED_MAX_LIMIT, `must be at most ${FEED_MAX_LIMIT}`))
    .optional()
    .openapi({ description: `Page size, 1 to ${FEED_MAX_LIMIT}`, example: String(FEED_DEFAULT_LIMIT) }),
  cursor: z.string().max(512).optional().openapi({ description: 'next_cursor of the previous page' }),
});

const counts = {
  unread_count: z.number().int().openapi({ description: 'Items not read (archived ones left out)' }),
  unseen_count: z.number().int().openapi({ description: 'Items not seen yet (archived ones left out): the number on the bell' }),
};

const FeedItemSchema = z
  .object({
    id: z.uuid().openapi({ description: "The in-app notification's id" }),
    type: z.string().openapi({ description: 'The notification type' }),
    title: z.string(),
    body: z.string(),
    action_url: z.string().nullable(),
    data: z.record(z.string(), z.string()),
    status: z.enum(FEED_ITEM_STATUSES),
    created_at: z.iso.datetime(),
    seen_at: z.iso.datetime().nullable(),
    read_at: z.iso.datetime().nullable(),
    archived_at: z.iso.datetime().nullable(),
  })
  .openapi('FeedItem');

export const FeedPageResponse = z.object({ items: z.array(FeedItemSchema), next_cursor: z.string().nullable(), ...counts }).openapi('FeedPage');

export const FeedItemResponse = z.object({ item: FeedItemSchema, ...counts }).openapi('FeedItemChanged');

export const FeedBulkResponse = z.object({ changed: z.number().int().openapi({ description: 'How many items the call changed' }), ...counts }).openapi('FeedChanged');

const iso = (at: Date | null) => at?.toISOString() ?? null;

export function feedItemJson(item: FeedItemView) {
  const { id, type, title, body, data } = item;
  const status = feedItemStatus(item);
  return { id, type, title, body, action_url: item.actionUrl, data, status, created_at: item.createdAt.toISOString(), seen_at: iso(item.seenAt), read_at: iso(item.readAt), archived_at: iso(item.archivedAt) };
}

export function countsJson(counts: FeedCounts) {
  return { unread_count: counts.unread, unseen_count: counts.unseen };
}
