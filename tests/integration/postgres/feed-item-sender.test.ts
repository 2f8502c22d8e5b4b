import { expect } from 'chai';
import type { Kysely } from 'kysely';
import { FeedItemSender } from '../../../src/adapters/in-app/feed-item-sender.js';
import type { Database } from '../../../src/adapters/postgres/database.js';
import type { OutgoingMessage } from '../../../src/application/ports/channel-sender.js';
import type { FeedStream, FeedStreamMessage } from '../../../src/application/ports/feed-stream.js';
import { TestDatabase } from '../../support/databases.js';
import { capturedLogger } from '../../unit/log-capture.js';

/** Keeps what the sender told the streams; `failing` makes every publish throw; `reached` says whether any stream would hear it. */
class RecordingFeedStream implements FeedStream {
  readonly published: FeedStreamMessage[] = [];
  readonly asked: string[] = [];
  constructor(
    private readonly failing = false,
    private readonly reached = true,
  ) {}
  async publish(message: FeedStreamMessage): Promise<void> {
    if (this.failing) throw new Error('broker away');
    this.published.push(message);
  }
  reaches(userId: string): boolean {
    this.asked.push(userId);
    return this.reached;
  }
}

const message = (id: string): OutgoingMessage => ({
  notificationId: id,
  notificationType: 'order_shipped',
  userId: 'u-1',
  recipient: 'u-1',
  correlationId: null,
  content: { channel: 'in_app', title: 'Shipped', body: 'Order 7 is on its way\u0000', actionUrl: '/orders/7', data: { order: '7' } },
});

describe('FeedItemSender (PostgreSQL)', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;

  before(async () => {
    db = await TestDatabase.create('feed');
    kysely = db.kysely();
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });

  const senderOn = (db: Kysely<Database>, stream: FeedStream = new RecordingFeedStream()) => new FeedItemSender(db, stream, capturedLogger('silent').logger);

  it('stores the item once however often it is sent, and answers accepted each time', async () => {
    const sender = senderOn(kysely);
    const id = '00000000-0000-4000-8000-00000000f001';
    const outcomes = [await sender.send(message(id)), await sender.send(message(id))];
    expect(outcomes.map((o) => o.kind)).to.deep.equal(['accepted', 'accepted']);
    const rows = await kysely.selectFrom('feed_items').selectAll().execute();
    expect(rows.map((r) => [r.notification_id, r.user_id, r.title, r.body, r.action_url, r.data])).to.deep.equal([
      [id, 'u-1', 'Shipped', 'Order 7 is on its way\ufffd', '/orders/7', { order: '7' }],
    ]);
  });

  it("tells the user's streams of the item it stored, with the user's counts, and not of a resend", async () => {
    const stream = new RecordingFeedStream();
    const sender = senderOn(kysely, stream);
    const first = { ...message('00000000-0000-4000-8000-00000000f011'), recipient: 'u-stream', userId: 'u-stream' };
    await sender.send(first);
    await sender.send(first);
    await sender.send({ ...first, notificationId: '00000000-0000-4000-8000-00000000f012' });
    const { created_at: createdAt } = await kysely.selectFrom('feed_items').select('created_at').where('notification_id', '=', first.notificationId).executeTakeFirstOrThrow();
    expect(stream.published.map((m) => [m.kind, m.userId, m.counts])).to.deep.equal([
      ['item', 'u-stream', { unread: 1, unseen: 1 }],
      ['item', 'u-stream', { unread: 2, unseen: 2 }],
    ]);
    expect(stream.published[0]).to.deep.include({
      item: { id: first.notificationId, type: 'order_shipped', title: 'Shipped', body: 'Order 7 is on its way\ufffd', actionUrl: '/orders/7', data: { order: '7' }, createdAt, seenAt: null, readAt: null, archivedAt: null },
    });
  });

  it('reads no counts and tells nothing when no stream would hear it (no relay now, no stream of the user here)', async () => {
    const stream = new RecordingFeedStream(false, false);
    const id = '00000000-0000-4000-8000-00000000f014';
    expect((await senderOn(kysely, stream).send({ ...message(id), recipient: 'u-alone' })).kind).to.equal('accepted');
    expect([stream.asked, stream.published]).to.deep.equal([['u-alone'], []]);
    expect(await kysely.selectFrom('feed_items').select('user_id').where('notification_id', '=', id).execute()).to.deep.equal([{ user_id: 'u-alone' }]);
  });

  it('answers accepted when the streams cannot be told: the item is stored all the same', async () => {
    const id = '00000000-0000-4000-8000-00000000f013';
    const outcome = await senderOn(kysely, new RecordingFeedStream(true)).send({ ...message(id), recipient: 'u-unheard' });
    expect(outcome.kind).to.equal('accepted');
    expect(await kysely.selectFrom('feed_items').select('user_id').where('notification_id', '=', id).execute()).to.deep.equal([{ user_id: 'u-unheard' }]);
  });

  it('answers provider down when the database cannot be reached, so no attempt is used', async () => {
    const unreachable = db.kysely('unreachable', 'postgres://nobody@127.0.0.1:1/none');
    try {
      const outcome = await senderOn(unreachable).send(message('00000000-0000-4000-8000-00000000f002'));
      expect(outcome).to.deep.include({ kind: 'provider_down', attempted: true });
    } finally {
      await unreachable.destroy();
    }
  });

  it('refuses content of another channel without touching the feed', async () => {
    const sms: OutgoingMessage = { ...message('00000000-0000-4000-8000-00000000f003'), content: { channel: 'sms', body: 'x' } };
    expect((await senderOn(kysely).send(sms)).kind).to.equal('permanent');
  });
});
