import { expect } from 'chai';
import { feedFromWire, feedToWire } from '../../../src/adapters/realtime/feed-wire.js';
import { LocalFeedStream } from '../../../src/adapters/realtime/local-feed-stream.js';
import { connectedFrame, feedFrame, outcomeFrame } from '../../../src/adapters/realtime/stream-frames.js';
import type { FeedStreamMessage } from '../../../src/application/ports/feed-stream.js';

const ITEM: FeedStreamMessage = {
  kind: 'item',
  userId: 'u-1',
  item: {
    id: '00000000-0000-4000-8000-000000000001',
    type: 'order_shipped',
    title: 'Shipped',
    body: 'On its way',
    actionUrl: '/orders/7',
    data: { order: '7' },
    createdAt: new Date('2026-11-29T10:00:00.123Z'),
    seenAt: null,
    readAt: null,
    archivedAt: null,
  },
  counts: { unread: 3, unseen: 2 },
};

describe('stream frames', () => {
  it('shows a new item with its fields in snake_case and the user’s counts', () => {
    expect(JSON.parse(feedFrame(ITEM))).to.deep.equal({
      type: 'notification',
      id: '00000000-0000-4000-8000-000000000001',
      notification_type: 'order_shipped',
      title: 'Shipped',
      body: 'On its way',
      action_url: '/orders/7',
      data: { order: '7' },
      created_at: '2026-11-29T10:00:00.123Z',
      seen_at: null,
      read_at: null,
      archived_at: null,
      unread_count: 3,
      unseen_count: 2,
    });
  });

  it('shows a change of counts alone as feed_counts', () => {
    expect(JSON.parse(feedFrame({ kind: 'counts', userId: 'u-1', counts: { unread: 0, unseen: 0 } }))).to.deep.equal({ type: 'feed_counts', unread_count: 0, unseen_count: 0 });
  });

  it("shows an outcome event with its routing key as `event`, its own fields after, never overriding the frame's", () => {
    const frame = JSON.parse(outcomeFrame('notification.sent', { event_type: 'notification.sent', notification_id: 'n-1', type: 'spoofed', timestamp: 1.5 }));
    expect(frame).to.deep.equal({ type: 'notification', event: 'notification.sent', event_type: 'notification.sent', notification_id: 'n-1', timestamp: 1.5 });
    expect(JSON.parse(connectedFrame('c-1'))).to.deep.equal({ type: 'connected', connection_id: 'c-1' });
  });

  it('carries a feed message between instances unchanged, and drops what is not one', () => {
    expect(feedFromWire(JSON.parse(feedToWire(ITEM).toString()))).to.deep.equal(ITEM);
    for (const junk of [null, [], { kind: 'item', userId: 'u-1' }, { kind: 'counts', userId: 7, counts: { unread: 1, unseen: 1 } }, { ...ITEM, item: { id: 'x' } }]) {
      expect(feedFromWire(JSON.parse(JSON.stringify(junk)))).to.equal(null);
    }
  });

  it('hands a feed change straight to this instance’s streams when there is no broker', async () => {
    const told: Array<[string, string]> = [];
    await new LocalFeedStream({ hasUser: () => true, toUser: (userId, frame) => told.push([userId, frame().toString()]), toAdmins: () => undefined }).publish(ITEM);
    expect(told).to.deep.equal([['u-1', feedFrame(ITEM)]]);
  });

  it('without a broker, reaches only the users with a stream on this instance', () => {
    const local = new LocalFeedStream({ hasUser: (userId) => userId === 'u-here', toUser: () => undefined, toAdmins: () => undefined });
    expect([local.reaches('u-here'), local.reaches('u-elsewhere')]).to.deep.equal([true, false]);
  });
});
