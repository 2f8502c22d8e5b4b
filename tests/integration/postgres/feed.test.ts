import { expect } from 'chai';
import { type Kysely, sql } from 'kysely';
import { KyselyFeedReadModel } from '../../../src/adapters/in-app/feed-read-model.js';
import { feedCounts } from '../../../src/adapters/in-app/feed-counts.js';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { ReadRouter } from '../../../src/adapters/postgres/read-router.js';
import { buildHandlerRegistry } from '../../../src/application/handlers/index.js';
import { MessageBus } from '../../../src/application/message-bus.js';
import type { FeedFilter } from '../../../src/application/ports/feed-items.js';
import type { FeedStream, FeedStreamMessage } from '../../../src/application/ports/feed-stream.js';
import { FeedItemNotFoundError, InvalidValueError } from '../../../src/domain/errors.js';
import { FakeClock } from '../../support/fakes.js';
import { TestDatabase, eventually } from '../../support/databases.js';
import { RecordingBusMonitor, testHandlerDeps, testStamping } from '../../support/test-container.js';
import { rejection } from '../../unit/rejection.js';

const T0 = new Date('2026-11-22T10:00:00.000Z');
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const noMetrics = { fellBack: () => undefined, replicationLag: () => undefined };

interface Seeded {
  readonly id: string;
  readonly createdAt: Date;
  readonly read: boolean;
  readonly seen: boolean;
  readonly archived: boolean;
}

/** 47 items of `userId`, created in runs of 5 that share a created_at; a mix of read, seen and archived. */
function seedItems(userId: string, offset: number): Seeded[] {
  return Array.from({ length: 47 }, (_, i) => ({
    id: id(offset + i),
    createdAt: new Date(T0.getTime() + Math.floor(i / 5) * 1_000),
    read: i % 3 === 0,
    seen: i % 3 === 0 || i % 4 === 0,
    archived: i % 7 === 0,
  }));
}

async function insert(kysely: Kysely<Database>, userId: string, items: readonly Seeded[]): Promise<void> {
  await kysely
    .insertInto('feed_items')
    .values(
      items.map((i) => ({
        notification_id: i.id,
        user_id: userId,
        type: 'order_status_update',
        title: `Item ${i.id.slice(-4)}`,
        body: 'body',
        action_url: null,
        data: JSON.stringify({ n: i.id.slice(-4) }),
        created_at: i.createdAt,
        seen_at: i.seen ? T0 : null,
        read_at: i.read ? T0 : null,
        archived_at: i.archived ? T0 : null,
      })),
    )
    .execute();
}

const newestFirst = (a: Seeded, b: Seeded) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id);
const matches = (i: Seeded, status: FeedFilter) =>
  status === null ? !i.archived : status === 'archived' ? i.archived : !i.archived && (status === 'read') === i.read;

/** Told what a stream would be, with whether another connection already saw the change then (it had committed). */
class CommittedProbe implements FeedStream {
  readonly told: Array<{ readonly message: FeedStreamMessage; readonly unreadSeenElsewhere: number }> = [];
  constructor(private readonly other: Kysely<Database>) {}
  async publish(message: FeedStreamMessage): Promise<void> {
    this.told.push({ message, unreadSeenElsewhere: (await feedCounts(this.other, message.userId)).unread });
  }
  reaches(): boolean {
    return true;
  }
}

describe('the feed (PostgreSQL)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let primary: Kysely<Database>;
  let standby: Kysely<Database>;

  before(async () => {
    db = await TestDatabase.create('it_feed');
    await db.waitForStandby();
    primary = db.kysely('primary');
    standby = db.kysely('standby', db.standbyUrl);
  });
  after(async () => {
    await Promise.all([primary.destroy(), standby.destroy()]);
    await db.drop();
  });

  function busFor(stream: FeedStream, clock = new FakeClock(T0)) {
    const registry = buildHandlerRegistry({ ...testHandlerDeps(clock), feedStream: stream });
    const monitor = new RecordingBusMonitor();
    return { bus: new MessageBus(registry, () => new KyselyUnitOfWork(primary, testStamping(clock)), monitor), clock, monitor };
  }

  describe('pages and counts', () => {
    const seeded = seedItems('u-pages', 1_000);
    let readModel: KyselyFeedReadModel;

    before(async () => {
      await insert(primary, 'u-pages', seeded);
      await insert(primary, 'u-neighbour', seedItems('u-neighbour', 2_000));
      readModel = new KyselyFeedReadModel(new ReadRouter(primary, standby, { maxLagSeconds: 30, checkIntervalMs: 0 }, noMetrics));
      await eventually(async () => (await feedCounts(standby, 'u-pages')).unread > 0, 10_000, 'the items on the standby');
    });

    for (const status of [null, 'unread', 'read', 'archived'] as const) {
      it(`pages the ${status ?? 'unarchived'} items 4 at a time, newest first, never skipping nor repeating items of the same created_at`, async () => {
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let pages = 0; pages < 20; pages++) {
          const page = await readModel.page({ userId: 'u-pages', status, limit: 4, cursor }, pages % 2 === 0 ? 'may_lag' : 'latest');
          seen.push(...page.items.map((i) => i.id));
          expect(page.items.length).to.be.at.most(4);
          cursor = page.nextCursor;
          if (cursor === null) break;
        }
        expect(seen).to.deep.equal(seeded.filter((i) => matches(i, status)).sort(newestFirst).map((i) => i.id));
      });
    }

    it("answers every page with the user's counts (archived items left out), whatever the filter", async () => {
      const live = seeded.filter((i) => !i.archived);
      const expected = { unread: live.filter((i) => !i.read).length, unseen: live.filter((i) => !i.seen).length };
      expect(expected).to.deep.equal({ unread: 27, unseen: 20 });
      for (const status of [null, 'archived'] as const) expect((await readModel.page({ userId: 'u-pages', status, limit: 1, cursor: null }, 'may_lag')).counts).to.deep.equal(expected);
      expect((await readModel.page({ userId: 'nobody', status: null, limit: 20, cursor: null }, 'may_lag'))).to.deep.equal({ items: [], nextCursor: null, counts: { unread: 0, unseen: 0 } });
    });

    it('shows an item whole, its data as stored', async () => {
      const [item] = (await readModel.page({ userId: 'u-pages', status: 'archived', limit: 1, cursor: null }, 'latest')).items;
      expect(item).to.deep.equal({ id: id(1_042), type: 'order_status_update', title: 'Item 1042', body: 'body', actionUrl: null, data: { n: '1042' }, createdAt: new Date(T0.getTime() + 8_000), seenAt: T0, readAt: T0, archivedAt: T0 });
    });

    it('refuses a cursor it did not issue, naming cursor', async () => {
      for (const cursor of ['nope', Buffer.from('["2026-11-22T10:00:00.000Z","x"]').toString('base64url')]) {
        const error = (await rejection(readModel.page({ userId: 'u-pages', status: null, limit: 4, cursor }, 'may_lag'))) as InvalidValueError;
        expect([error.constructor, error.field]).to.deep.equal([InvalidValueError, 'cursor']);
      }
    });
  });

  it('stores a delivered item to the millisecond, as cursors name it', async () => {
    await sql`insert into feed_items (notification_id, user_id, type, title, body) values (${id(3_000)}, 'u-ms', 't', 't', 'b')`.execute(primary);
    const { rows } = await sql<{ micros: number }>`select extract(microseconds from created_at)::int % 1000 as micros from feed_items where notification_id = ${id(3_000)}`.execute(primary);
    expect(rows).to.deep.equal([{ micros: 0 }]);
  });

  describe('changes through the bus', () => {
    beforeEach(async () => {
      await primary.deleteFrom('feed_items').where('user_id', 'in', ['u-1', 'u-2']).execute();
      await insert(primary, 'u-1', [1, 2, 3].map((n) => ({ id: id(n), createdAt: T0, read: false, seen: false, archived: n === 3 })));
      await insert(primary, 'u-2', [{ id: id(9), createdAt: T0, read: false, seen: false, archived: false }]);
    });

    it('reads, unreads, archives and unarchives an item, keeping the first read_at, answering the counts after each', async () => {
      const { bus, clock } = busFor(new CommittedProbe(primary));
      const read = await bus.handle({ type: 'ChangeFeedItem', userId: 'u-1', itemId: id(1), change: 'read' });
      expect([read.item.readAt, read.item.seenAt, read.counts]).to.deep.equal([T0, T0, { unread: 1, unseen: 1 }]);
      clock.advance(60_000);
      const again = await bus.handle({ type: 'ChangeFeedItem', userId: 'u-1', itemId: id(1), change: 'read' });
      expect(again.item.readAt).to.deep.equal(T0);
      expect((await bus.handle({ type: 'ChangeFeedItem', userId: 'u-1', itemId: id(1), change: 'unread' })).counts).to.deep.equal({ unread: 2, unseen: 1 });
      expect((await bus.handle({ type: 'ChangeFeedItem', userId: 'u-1', itemId: id(2), change: 'archive' })).counts).to.deep.equal({ unread: 1, unseen: 0 });
      const back = await bus.handle({ type: 'ChangeFeedItem', userId: 'u-1', itemId: id(3), change: 'unarchive' });
      expect([back.item.archivedAt, back.counts]).to.deep.equal([null, { unread: 2, unseen: 1 }]);
      const row = await primary.selectFrom('feed_items').select(['read_at', 'seen_at']).where('notification_id', '=', id(1)).executeTakeFirstOrThrow();
      expect(row).to.deep.equal({ read_at: null, seen_at: T0 });
    });

    it("answers not found for another user's item and leaves it as it was", async () => {
      const { bus } = busFor(new CommittedProbe(primary));
      expect(await rejection(bus.handle({ type: 'ChangeFeedItem', userId: 'u-1', itemId: id(9), change: 'read' }))).to.be.instanceOf(FeedItemNotFoundError);
      expect(await feedCounts(primary, 'u-2')).to.deep.equal({ unread: 1, unseen: 1 });
    });

    it('reads all and marks all seen in one statement each, answering how many changed', async () => {
      const { bus } = busFor(new CommittedProbe(primary));
      expect(await bus.handle({ type: 'MarkFeedSeen', userId: 'u-1' })).to.deep.equal({ changed: 3, counts: { unread: 2, unseen: 0 } });
      expect(await bus.handle({ type: 'ReadAllFeedItems', userId: 'u-1' })).to.deep.equal({ changed: 2, counts: { unread: 0, unseen: 0 } });
      expect(await bus.handle({ type: 'ReadAllFeedItems', userId: 'u-1' })).to.deep.equal({ changed: 0, counts: { unread: 0, unseen: 0 } });
      const archived = await primary.selectFrom('feed_items').select(['read_at', 'seen_at']).where('notification_id', '=', id(3)).executeTakeFirstOrThrow();
      expect(archived).to.deep.equal({ read_at: null, seen_at: T0 });
      expect(await feedCounts(primary, 'u-2')).to.deep.equal({ unread: 1, unseen: 1 });
    });

    it('tells the stream the counts only once the change is visible to every other connection', async () => {
      const probe = new CommittedProbe(primary);
      const { bus } = busFor(probe);
      await bus.handle({ type: 'ChangeFeedItem', userId: 'u-1', itemId: id(1), change: 'read' });
      await bus.handle({ type: 'ReadAllFeedItems', userId: 'u-1' });
      expect(probe.told).to.deep.equal([
        { message: { kind: 'counts', userId: 'u-1', counts: { unread: 1, unseen: 1 } }, unreadSeenElsewhere: 1 },
        { message: { kind: 'counts', userId: 'u-1', counts: { unread: 0, unseen: 0 } }, unreadSeenElsewhere: 0 },
      ]);
    });

    it('lets two concurrent reads of one item agree on the first read_at (the item is locked)', async () => {
      const clock = { now: () => new Date() };
      const registry = buildHandlerRegistry({ ...testHandlerDeps(), clock, feedStream: new CommittedProbe(primary) });
      const bus = new MessageBus(registry, () => new KyselyUnitOfWork(primary, testStamping()), new RecordingBusMonitor());
      const both = await Promise.all([1, 2].map(() => bus.handle({ type: 'ChangeFeedItem', userId: 'u-1', itemId: id(2), change: 'read' })));
      expect(both[0]!.item.readAt).to.deep.equal(both[1]!.item.readAt);
    });
  });
});
