import type { FeedStream, FeedStreamMessage } from '../../src/application/ports/feed-stream.js';
import { type FeedItems, type FeedPage, type FeedPageRequest, type FeedReadModel, type ReadFreshness, feedItemView } from '../../src/application/ports/feed-items.js';
import type { AggregateTracker } from '../../src/application/ports/unit-of-work.js';
import { Feed } from '../../src/domain/feed.js';
import { FeedItem, type FeedItemSnapshot, feedItemStatus } from '../../src/domain/feed-item.js';
import type { UserId } from '../../src/domain/user-id.js';
import type { Draft, InMemoryStore } from './fakes.js';

function countsOf(rows: Iterable<FeedItemSnapshot>, userId: string) {
  const live = [...rows].filter((i) => i.userId === userId && i.archivedAt === null);
  return { unread: live.filter((i) => i.readAt === null).length, unseen: live.filter((i) => i.seenAt === null).length };
}

export class FakeFeedItems implements FeedItems {
  constructor(
    private readonly store: Draft,
    private readonly tracker: AggregateTracker,
  ) {}

  async get(userId: UserId, itemId: string) {
    const row = this.store.feedItems.get(itemId);
    return this.tracker.seen(row && row.userId === userId.value ? FeedItem.restore(row) : null);
  }

  async save(item: FeedItem) {
    this.store.set('feedItems', item.snapshot().id, item.snapshot());
  }

  feed(userId: UserId) {
    return this.tracker.seen(new Feed(userId));
  }

  async readAll(feed: Feed, at: Date) {
    return this.update(feed, (i) => i.readAt === null && i.archivedAt === null, (i) => ({ ...i, readAt: at, seenAt: i.seenAt ?? at }));
  }

  async markAllSeen(feed: Feed, at: Date) {
    return this.update(feed, (i) => i.seenAt === null, (i) => ({ ...i, seenAt: at }));
  }

  async counts(userId: UserId) {
    return countsOf(this.store.feedItems.values(), userId.value);
  }

  private update(feed: Feed, when: (item: FeedItemSnapshot) => boolean, to: (item: FeedItemSnapshot) => FeedItemSnapshot): number {
    const touched = [...this.store.feedItems.values()].filter((i) => i.userId === feed.userId.value && when(i));
    for (const item of touched) this.store.set('feedItems', item.id, to(item));
    return touched.length;
  }
}

/** Offset cursors are enough for a fake: the real read model's keyset paging is tested against PostgreSQL. */
export class FakeFeedReadModel implements FeedReadModel {
  readonly freshness: ReadFreshness[] = [];

  constructor(private readonly store: InMemoryStore) {}

  async page({ userId, status, limit, cursor }: FeedPageRequest, freshness: ReadFreshness): Promise<FeedPage> {
    this.freshness.push(freshness);
    const all = [...this.store.feedItems.values()]
      .filter((i) => i.userId === userId && (status === null ? i.archivedAt === null : feedItemStatus(i) === status))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id));
    const offset = cursor === null ? 0 : Number(cursor);
    const items = all.slice(offset, offset + limit).map(feedItemView);
    return { items, nextCursor: offset + limit < all.length ? String(offset + limit) : null, counts: countsOf(this.store.feedItems.values(), userId) };
  }
}

/** Records each message, with what the store held when it was published (committed or not). */
export class RecordingFeedStream implements FeedStream {
  readonly published: Array<FeedStreamMessage & { readonly committed: ReadonlyMap<string, FeedItemSnapshot> }> = [];

  constructor(private readonly store: InMemoryStore) {}

  /** Users no stream would reach (the stream is then not told of their changes). */
  readonly unreachable = new Set<string>();

  async publish(message: FeedStreamMessage): Promise<void> {
    this.published.push({ ...message, committed: new Map(this.store.feedItems) });
  }

  reaches(userId: string): boolean {
    return !this.unreachable.has(userId);
  }
}
