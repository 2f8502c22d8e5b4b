import { AggregateRoot } from './aggregate-root.js';

/** Where an item stands in its feed: archived hides it whatever its read state (unarchiving brings that back). */
export const FEED_ITEM_STATUSES = ['unread', 'read', 'archived'] as const;
export type FeedItemStatus = (typeof FEED_ITEM_STATUSES)[number];

/** What a user can do to one item of their feed. */
export const FEED_ITEM_CHANGES = ['read', 'unread', 'archive', 'unarchive'] as const;
export type FeedItemChange = (typeof FEED_ITEM_CHANGES)[number];

export function feedItemStatus(item: { readonly readAt: Date | null; readonly archivedAt: Date | null }): FeedItemStatus {
  if (item.archivedAt !== null) return 'archived';
  return item.readAt === null ? 'unread' : 'read';
}

export interface FeedItemSnapshot {
  /** The in-app notification's id. */
  readonly id: string;
  readonly userId: string;
  readonly type: string;
  readonly title: string;
  readonly body: string;
  readonly actionUrl: string | null;
  readonly data: Readonly<Record<string, string>>;
  readonly createdAt: Date;
  readonly seenAt: Date | null;
  readonly readAt: Date | null;
  readonly archivedAt: Date | null;
}

/**
 * One in-app notification in its recipient's feed. Its content is fixed at delivery; what changes is
 * when it was seen, read and archived. A change keeps the first time: reading a read item again
 * changes nothing. Reading also marks it seen (a read item was seen); unreading leaves it seen.
 */
export class FeedItem extends AggregateRoot {
  private constructor(private state: FeedItemSnapshot) {
    super();
  }

  static restore(snapshot: FeedItemSnapshot): FeedItem {
    return new FeedItem(snapshot);
  }

  snapshot(): FeedItemSnapshot {
    return this.state;
  }

  /** True when the item changed (and FeedChanged was raised); false when it already stood so. */
  change(change: FeedItemChange, at: Date): boolean {
    const before = this.state;
    this.state = changed(before, change, at);
    const { seenAt, readAt, archivedAt } = this.state;
    if (seenAt === before.seenAt && readAt === before.readAt && archivedAt === before.archivedAt) return false;
    this.raise({ type: 'FeedChanged', userId: before.userId });
    return true;
  }
}

function changed(item: FeedItemSnapshot, change: FeedItemChange, at: Date): FeedItemSnapshot {
  switch (change) {
    case 'read':
      return { ...item, seenAt: item.seenAt ?? at, readAt: item.readAt ?? at };
    case 'unread':
      return { ...item, readAt: null };
    case 'archive':
      return { ...item, archivedAt: item.archivedAt ?? at };
    case 'unarchive':
      return { ...item, archivedAt: null };
  }
}
