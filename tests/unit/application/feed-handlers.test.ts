import { expect } from 'chai';
import sinon from 'sinon';
import type { FeedStream } from '../../../src/application/ports/feed-stream.js';
import { FeedItemNotFoundError, type InvalidValueError } from '../../../src/domain/errors.js';
import type { FeedItemSnapshot } from '../../../src/domain/feed-item.js';
import { RecentFeedWrites } from '../../../src/application/feed/recent-feed-writes.js';
import type { RecordingFeedStream } from '../../support/feed-fakes.js';
import { FakeClock } from '../../support/fakes.js';
import { fakeContainer } from '../../support/test-container.js';
import { T0, aFeedItem, at } from '../mothers.js';
import { rejection } from '../rejection.js';

const id = (n: number) => `00000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`;
const OTHERS = id(99);

/** user-1's feed: unread 1 and 2, read 3, archived unread 4; and user-2's item 99. */
function world(feedStream?: FeedStream) {
  const w = fakeContainer(feedStream ? { feedStream } : {});
  const items: FeedItemSnapshot[] = [
    aFeedItem({ id: id(1), createdAt: at(1) }),
    aFeedItem({ id: id(2), createdAt: at(2), seenAt: at(5) }),
    aFeedItem({ id: id(3), createdAt: at(3), seenAt: at(6), readAt: at(6) }),
    aFeedItem({ id: id(4), createdAt: at(4), archivedAt: at(7) }),
    aFeedItem({ id: OTHERS, userId: 'user-2' }),
  ];
  for (const item of items) w.store.feedItems.set(item.id, item);
  const stream = w.app.get('feedStream') as RecordingFeedStream;
  return { ...w, stream };
}

const change = (itemId: string, kind: 'read' | 'unread' | 'archive' | 'unarchive', userId = 'user-1') => ({ type: 'ChangeFeedItem', userId, itemId, change: kind }) as const;

describe('feed commands', () => {
  it('reads an item: read and seen now, answered with the counts after the change', async () => {
    const { bus, clock, store } = world();
    clock.advance(60_000);
    const { item, counts } = await bus.handle(change(id(1), 'read'));
    expect(item).to.deep.include({ id: id(1), seenAt: at(60), readAt: at(60), archivedAt: null });
    expect(item).to.not.have.property('userId');
    expect(counts).to.deep.equal({ unread: 1, unseen: 0 });
    expect(store.feedItems.get(id(1))).to.deep.include({ readAt: at(60), seenAt: at(60) });
  });

  it('is idempotent: reading a read item keeps its first read_at, writes nothing and tells no one', async () => {
    const { bus, clock, store, stream } = world();
    await bus.handle(change(id(1), 'read'));
    const commits = store.commits;
    clock.advance(60_000);
    const again = await bus.handle(change(id(1), 'read'));
    expect([again.item.readAt, again.item.seenAt]).to.deep.equal([T0, T0]);
    expect(store.commits).to.equal(commits + 1);
    expect(stream.published).to.have.length(1);
  });

  it('unreads an item (it stays seen), and archives and unarchives one, counting archived items out', async () => {
    const { bus } = world();
    const unread = await bus.handle(change(id(3), 'unread'));
    expect([unread.item.readAt, unread.item.seenAt, unread.counts]).to.deep.equal([null, at(6), { unread: 3, unseen: 1 }]);
    const archived = await bus.handle(change(id(1), 'archive'));
    expect([archived.item.archivedAt, archived.counts]).to.deep.equal([T0, { unread: 2, unseen: 0 }]);
    const back = await bus.handle(change(id(4), 'unarchive'));
    expect([back.item.archivedAt, back.item.readAt, back.counts]).to.deep.equal([null, null, { unread: 3, unseen: 1 }]);
  });

  it("answers 'not found' for another user's item, an unknown id or one that is no uuid, changing nothing and telling no one", async () => {
    const { bus, store, stream } = world();
    for (const itemId of [OTHERS, id(50), 'not-a-uuid']) {
      const error = await rejection(bus.handle(change(itemId, 'read')));
      expect(error).to.be.instanceOf(FeedItemNotFoundError);
      expect(error.message).to.equal(`the feed of user "user-1" has no item ${itemId}`);
    }
    expect(store.feedItems.get(OTHERS)).to.deep.include({ readAt: null, seenAt: null });
    expect(stream.published).to.deep.equal([]);
  });

  it('refuses an invalid userid naming it', async () => {
    const { bus } = world();
    const error = (await rejection(bus.handle(change(id(1), 'read', ' ')))) as InvalidValueError;
    expect([error.field, error.reason]).to.deep.equal(['userid', 'must not be blank']);
  });

  it('reads all: every unread, unarchived item read and seen, the archived one left; again, nothing changes', async () => {
    const { bus, clock, store, stream } = world();
    clock.advance(60_000);
    expect(await bus.handle({ type: 'ReadAllFeedItems', userId: 'user-1' })).to.deep.equal({ changed: 2, counts: { unread: 0, unseen: 0 } });
    expect([1, 2, 3, 4].map((n) => [store.feedItems.get(id(n))?.readAt, store.feedItems.get(id(n))?.seenAt])).to.deep.equal([
      [at(60), at(60)],
      [at(60), at(5)],
      [at(6), at(6)],
      [null, null],
    ]);
    expect(store.feedItems.get(OTHERS)?.readAt).to.equal(null);
    expect(await bus.handle({ type: 'ReadAllFeedItems', userId: 'user-1' })).to.deep.equal({ changed: 0, counts: { unread: 0, unseen: 0 } });
    expect(stream.published).to.have.length(1);
  });

  it('marks every item seen, archived ones too, leaving unread items unread', async () => {
    const { bus, store } = world();
    expect(await bus.handle({ type: 'MarkFeedSeen', userId: 'user-1' })).to.deep.equal({ changed: 2, counts: { unread: 2, unseen: 0 } });
    expect([1, 4].map((n) => store.feedItems.get(id(n))?.seenAt)).to.deep.equal([T0, T0]);
    expect(await bus.handle({ type: 'MarkFeedSeen', userId: 'unknown-user' })).to.deep.equal({ changed: 0, counts: { unread: 0, unseen: 0 } });
  });
});

describe('the feed stream after a change', () => {
  it('is told the counts once the change committed, never before', async () => {
    const { bus, stream } = world();
    await bus.handle(change(id(1), 'read'));
    expect(stream.published.map(({ kind, userId, counts }) => ({ kind, userId, counts }))).to.deep.equal([{ kind: 'counts', userId: 'user-1', counts: { unread: 1, unseen: 0 } }]);
    expect(stream.published[0]?.committed.get(id(1))?.readAt, 'the store held the change when the stream was told').to.deep.equal(T0);
  });

  it('is told nothing when no stream would hear it (no relay now, no stream of the user here)', async () => {
    const { bus, stream, store } = world();
    stream.unreachable.add('user-1');
    const { counts } = await bus.handle(change(id(1), 'read'));
    expect([counts, stream.published]).to.deep.equal([{ unread: 1, unseen: 0 }, []]);
    expect(store.feedItems.get(id(1))?.readAt).to.deep.equal(T0);
  });

  it('is told nothing when the command fails, and its own failure fails no command', async () => {
    const publish = sinon.stub<Parameters<FeedStream['publish']>, ReturnType<FeedStream['publish']>>().rejects(new Error('relay down'));
    const { bus, store, monitor } = world({ publish, reaches: () => true });
    await rejection(bus.handle(change(OTHERS, 'read')));
    expect(publish.called).to.equal(false);
    const { counts } = await bus.handle(change(id(1), 'read'));
    expect(counts).to.deep.equal({ unread: 1, unseen: 0 });
    expect(publish.calledOnceWithExactly({ kind: 'counts', userId: 'user-1', counts: { unread: 1, unseen: 0 } })).to.equal(true);
    expect(store.feedItems.get(id(1))?.readAt).to.deep.equal(T0);
    expect(monitor.failures.map((f) => [f.eventType, f.handler])).to.deep.equal([['FeedChanged', 'tellFeedChanged']]);
  });
});

describe('the feed query', () => {
  it("reads a user's feed newest first, every unarchived item by default, with the counts", async () => {
    const { app } = world();
    const page = await app.get('feedQuery').ofUser('user-1');
    expect(page.items.map((i) => i.id)).to.deep.equal([id(3), id(2), id(1)]);
    expect([page.nextCursor, page.counts]).to.deep.equal([null, { unread: 2, unseen: 1 }]);
    expect((await app.get('feedQuery').ofUser('user-1', 'archived')).items.map((i) => i.id)).to.deep.equal([id(4)]);
    expect(await app.get('feedQuery').ofUser('nobody')).to.deep.equal({ items: [], nextCursor: null, counts: { unread: 0, unseen: 0 } });
  });

  it('refuses a limit outside 1 to 100 naming limit', async () => {
    const { app } = world();
    for (const limit of [0, 101, 1.5]) {
      const error = (await rejection(app.get('feedQuery').ofUser('user-1', null, limit))) as InvalidValueError;
      expect([error.field, error.reason]).to.deep.equal(['limit', 'must be an integer from 1 to 100']);
    }
  });

  it("reads a user's feed from the primary for a while after this instance changed it, other users' from the standby", async () => {
    const { app, bus, clock } = world();
    const readModel = app.get('feedReadModel') as unknown as { freshness: string[] };
    await app.get('feedQuery').ofUser('user-1');
    await bus.handle(change(id(1), 'read'));
    await app.get('feedQuery').ofUser('user-1');
    await app.get('feedQuery').ofUser('user-2');
    clock.advance(6_000);
    await app.get('feedQuery').ofUser('user-1');
    expect(readModel.freshness).to.deep.equal(['may_lag', 'latest', 'may_lag', 'may_lag']);
  });
});

describe('RecentFeedWrites', () => {
  it('forgets the oldest writer past 10,000 users, keeping the latest ones', () => {
    const clock = new FakeClock();
    const writes = new RecentFeedWrites(clock, 1_000);
    for (let n = 0; n <= 10_000; n++) writes.wrote(`u-${n}`);
    expect([writes.wroteLately('u-0'), writes.wroteLately('u-1'), writes.wroteLately('u-10000')]).to.deep.equal([false, true, true]);
    clock.advance(1_000);
    expect(writes.wroteLately('u-10000')).to.equal(false);
  });
});
