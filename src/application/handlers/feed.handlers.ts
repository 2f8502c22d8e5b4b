import { FeedItemNotFoundError } from '../../domain/errors.js';
import { UserId } from '../../domain/user-id.js';
import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import { feedItemView } from '../ports/feed-items.js';

/** Idempotent: a change to where the item already stands writes nothing and keeps the first times. */
export function changeFeedItem(clock: Clock): CommandHandler<'ChangeFeedItem'> {
  return async ({ userId: raw, itemId, change }, uow) => {
    const userId = UserId.of(raw);
    const item = await uow.feedItems.get(userId, itemId);
    if (!item) throw new FeedItemNotFoundError(userId.value, itemId);
    if (item.change(change, clock.now())) await uow.feedItems.save(item);
    return { item: feedItemView(item.snapshot()), counts: await uow.feedItems.counts(userId) };
  };
}

export function readAllFeedItems(clock: Clock): CommandHandler<'ReadAllFeedItems'> {
  return async ({ userId: raw }, uow) => {
    const userId = UserId.of(raw);
    const feed = uow.feedItems.feed(userId);
    const changed = feed.changed(await uow.feedItems.readAll(feed, clock.now()));
    return { changed, counts: await uow.feedItems.counts(userId) };
  };
}

export function markFeedSeen(clock: Clock): CommandHandler<'MarkFeedSeen'> {
  return async ({ userId: raw }, uow) => {
    const userId = UserId.of(raw);
    const feed = uow.feedItems.feed(userId);
    const changed = feed.changed(await uow.feedItems.markAllSeen(feed, clock.now()));
    return { changed, counts: await uow.feedItems.counts(userId) };
  };
}
