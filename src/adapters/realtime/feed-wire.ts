import type { FeedCounts, FeedItemView, FeedStreamMessage } from '../../application/ports/feed-stream.js';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const date = (value: unknown): Date | null => (typeof value === 'string' ? new Date(value) : null);

/** A FeedStreamMessage between instances: its JSON (dates as ISO strings). */
export function feedToWire(message: FeedStreamMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}

function countsOf(value: unknown): FeedCounts | null {
  if (!isRecord(value) || typeof value.unread !== 'number' || typeof value.unseen !== 'number') return null;
  return { unread: value.unread, unseen: value.unseen };
}

function itemOf(value: unknown): FeedItemView | null {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.type !== 'string') return null;
  const createdAt = date(value.createdAt);
  if (!createdAt || Number.isNaN(createdAt.getTime())) return null;
  return {
    id: value.id,
    type: value.type,
    title: String(value.title ?? ''),
    body: String(value.body ?? ''),
    actionUrl: typeof value.actionUrl === 'string' ? value.actionUrl : null,
    data: isRecord(value.data) ? (value.data as Record<string, string>) : {},
    createdAt,
    seenAt: date(value.seenAt),
    readAt: date(value.readAt),
    archivedAt: date(value.archivedAt),
  };
}

/** The message another instance published, or null when it is not one (then it is dropped). */
export function feedFromWire(value: unknown): FeedStreamMessage | null {
  if (!isRecord(value) || typeof value.userId !== 'string') return null;
  const counts = countsOf(value.counts);
  if (!counts) return null;
  if (value.kind === 'counts') return { kind: 'counts', userId: value.userId, counts };
  const item = value.kind === 'item' ? itemOf(value.item) : null;
  return item && { kind: 'item', userId: value.userId, item, counts };
}
