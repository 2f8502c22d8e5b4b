import type { FeedStreamMessage } from '../../application/ports/feed-stream.js';

/**
 * The stream's messages as clients read them (README "Real-time stream (WebSocket)"): JSON text
 * frames, each with a `type`. Rendered once per message, however many clients it goes to.
 */
export const PONG_FRAME = JSON.stringify({ type: 'pong' });

export function connectedFrame(connectionId: string): string {
  return JSON.stringify({ type: 'connected', connection_id: connectionId });
}

export function errorFrame(message: string): string {
  return JSON.stringify({ type: 'error', message });
}

/** A user's new item (its fields in snake_case; its notification type as `notification_type`) or their new counts. */
export function feedFrame(message: FeedStreamMessage): string {
  const counts = { unread_count: message.counts.unread, unseen_count: message.counts.unseen };
  if (message.kind === 'counts') return JSON.stringify({ type: 'feed_counts', ...counts });
  const { item } = message;
  return JSON.stringify({
    type: 'notification',
    id: item.id,
    notification_type: item.type,
    title: item.title,
    body: item.body,
    action_url: item.actionUrl,
    data: item.data,
    created_at: item.createdAt.toISOString(),
    seen_at: item.seenAt?.toISOString() ?? null,
    read_at: item.readAt?.toISOString() ?? null,
    archived_at: item.archivedAt?.toISOString() ?? null,
    ...counts,
  });
}

/** An outcome event for the admin firehose: `type` and `event` (its routing key), then the event's own fields. */
export function outcomeFrame(routingKey: string, body: Readonly<Record<string, unknown>>): string {
  const frame: Record<string, unknown> = { type: 'notification', event: routingKey };
  for (const [key, value] of Object.entries(body)) if (!(key in frame)) frame[key] = value;
  return JSON.stringify(frame);
}
