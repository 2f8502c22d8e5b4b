import { FEED_ITEM_CHANGES, type FeedItemChange } from '../../../domain/feed-item.js';
import type { Api } from '../api.js';
import { FeedBulkResponse, FeedItemParams, FeedItemResponse, FeedPageQuery, FeedPageResponse, FeedParams, countsJson, feedItemJson } from '../feed-schemas.js';
import type { HttpDeps } from '../http-deps.js';

const CHANGE_SUMMARIES: Readonly<Record<FeedItemChange, string>> = {
  read: 'Mark an item read (and seen); reading a read item keeps its first read_at',
  unread: 'Mark an item unread again (it stays seen)',
  archive: 'Archive an item: out of the feed and its counts, its read state kept',
  unarchive: 'Bring an archived item back into the feed, as read or unread as it was',
};

/** A user's in-app feed (README "In-app feed"): what a user's backend calls for them. */
export function feedRoutes(api: Api, { bus, queries }: HttpDeps): void {
  api.route({
    method: 'get',
    path: '/feed/:userid',
    summary: "A user's in-app feed, newest first, with the unread and unseen counts",
    description: 'An unknown user has an empty feed. Right after a change through this instance, the change is read back.',
    tag: 'feed',
    scope: 'notifications:read',
    params: FeedParams,
    query: FeedPageQuery,
    responses: { 200: { description: 'One page', schema: FeedPageResponse } },
    handle: async ({ params, query }, res) => {
      const page = await queries.feed.ofUser(params.userid, query.status ?? null, query.limit, query.cursor ?? null);
      res.json({ items: page.items.map(feedItemJson), next_cursor: page.nextCursor, ...countsJson(page.counts) });
    },
  });

  for (const change of FEED_ITEM_CHANGES) {
    api.route({
      method: 'post',
      path: `/feed/:userid/items/:id/${change}`,
      summary: CHANGE_SUMMARIES[change],
      tag: 'feed',
      scope: 'notifications:read',
      params: FeedItemParams,
      responses: { 200: { description: 'The item and the counts after the change', schema: FeedItemResponse }, 404: { description: "No such item in this user's feed" } },
      handle: async ({ params }, res) => {
        const { item, counts } = await bus.handle({ type: 'ChangeFeedItem', userId: params.userid, itemId: params.id, change });
        res.json({ item: feedItemJson(item), ...countsJson(counts) });
      },
    });
  }

  const bulk = [
    { path: '/feed/:userid/read-all', type: 'ReadAllFeedItems', summary: 'Mark every unread item read (and seen); archived items are left as they are' },
    { path: '/feed/:userid/seen', type: 'MarkFeedSeen', summary: 'Mark every item seen, as opening the bell does: the unseen count drops to 0, unread items stay unread' },
  ] as const;
  for (const { path, type, summary } of bulk) {
    api.route({
      method: 'post',
      path,
      summary,
      tag: 'feed',
      scope: 'notifications:read',
      params: FeedParams,
      responses: { 200: { description: 'How many items changed, and the counts after it', schema: FeedBulkResponse } },
      handle: async ({ params }, res) => {
        const { changed, counts } = await bus.handle({ type, userId: params.userid });
        res.json({ changed, ...countsJson(counts) });
      },
    });
  }
}
