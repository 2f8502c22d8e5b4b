import { expect } from 'chai';
import type { Kysely } from 'kysely';
import { FeedItemSender } from '../../../src/adapters/in-app/feed-item-sender.js';
import type { Database } from '../../../src/adapters/postgres/database.js';
import type { OutgoingMessage } from '../../../src/application/ports/channel-sender.js';
import { TestDatabase } from '../../support/databases.js';

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

  it('stores the item once however often it is sent, and answers accepted each time', async () => {
    const sender = new FeedItemSender(kysely);
    const id = '00000000-0000-4000-8000-00000000f001';
    const outcomes = [await sender.send(message(id)), await sender.send(message(id))];
    expect(outcomes.map((o) => o.kind)).to.deep.equal(['accepted', 'accepted']);
    const rows = await kysely.selectFrom('feed_items').selectAll().execute();
    expect(rows.map((r) => [r.notification_id, r.user_id, r.title, r.body, r.action_url, r.data])).to.deep.equal([
      [id, 'u-1', 'Shipped', 'Order 7 is on its way\ufffd', '/orders/7', { order: '7' }],
    ]);
  });

  it('answers provider down when the database cannot be reached, so no attempt is used', async () => {
    const unreachable = db.kysely('unreachable', 'postgres://nobody@127.0.0.1:1/none');
    try {
      const outcome = await new FeedItemSender(unreachable).send(message('00000000-0000-4000-8000-00000000f002'));
      expect(outcome).to.deep.include({ kind: 'provider_down', attempted: true });
    } finally {
      await unreachable.destroy();
    }
  });

  it('refuses content of another channel without touching the feed', async () => {
    const sms: OutgoingMessage = { ...message('00000000-0000-4000-8000-00000000f003'), content: { channel: 'sms', body: 'x' } };
    expect((await new FeedItemSender(kysely).send(sms)).kind).to.equal('permanent');
  });
});
