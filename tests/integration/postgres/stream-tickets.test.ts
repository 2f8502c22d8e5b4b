import { expect } from 'chai';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyStreamTicketStore } from '../../../src/adapters/postgres/stream-ticket.store.js';
import { RandomStreamTicketSecrets } from '../../../src/adapters/system/stream-ticket-secrets.js';
import { StreamTickets } from '../../../src/application/realtime/stream-tickets.js';
import { TestDatabase } from '../../support/databases.js';

describe('stream tickets (PostgreSQL)', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let store: KyselyStreamTicketStore;
  let tickets: StreamTickets;
  const secrets = new RandomStreamTicketSecrets();
  const dbNow = async () => (await sql<{ now: Date }>`select now() as now`.execute(kysely)).rows[0]!.now;

  before(async () => {
    db = await TestDatabase.create('tickets');
    kysely = db.kysely();
    store = new KyselyStreamTicketStore(kysely);
    tickets = new StreamTickets(store, secrets);
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });

  it("stores only the hash of a ticket, with its key, expiring 30 s after it was issued by the database's clock", async () => {
    const before = await dbNow();
    const { ticket, expiresAt } = await tickets.issue('key-7');
    const after = await dbNow();
    const rows = await kysely.selectFrom('ws_tickets').select(['hash', 'key_id', 'expires_at']).where('hash', '=', secrets.hash(ticket)).execute();
    expect(rows).to.deep.equal([{ hash: secrets.hash(ticket), key_id: 'key-7', expires_at: expiresAt }]);
    expect(expiresAt.getTime()).to.be.within(before.getTime() + 30_000, after.getTime() + 30_000);
    expect(ticket).to.match(/^wst_[A-Za-z0-9_-]{43}$/);
    expect(await kysely.selectFrom('ws_tickets').select('hash').where('hash', '=', ticket).execute()).to.deep.equal([]);
  });

  it('opens one stream per ticket, on behalf of its key, also when two instances present it at the same moment', async () => {
    const { ticket } = await tickets.issue('key-8');
    const other = new StreamTickets(new KyselyStreamTicketStore(kysely), secrets);
    const outcomes = await Promise.all([tickets.redeem(ticket), other.redeem(ticket), tickets.redeem(ticket)]);
    expect(outcomes.filter((o) => o !== null)).to.deep.equal(['key-8']);
    expect(await tickets.redeem(ticket)).to.equal(null);
  });

  it("refuses an expired ticket, by the database's clock, and leaves it to retention", async () => {
    const ticket = secrets.generate();
    await kysely.insertInto('ws_tickets').values({ hash: secrets.hash(ticket), key_id: 'key-9', expires_at: sql<Date>`now() - interval '1 second'` }).execute();
    expect(await tickets.redeem(ticket)).to.equal(null);
    expect(await kysely.selectFrom('ws_tickets').select('hash').where('hash', '=', secrets.hash(ticket)).execute()).to.have.length(1);
  });

  it('never redeems a ticket stored without its key (issued before keys were recorded)', async () => {
    const ticket = secrets.generate();
    await kysely.insertInto('ws_tickets').values({ hash: secrets.hash(ticket), key_id: null, expires_at: sql<Date>`now() + interval '30 seconds'` }).execute();
    expect(await tickets.redeem(ticket)).to.equal(null);
  });

  it('refuses a ticket that was never issued', async () => {
    expect(await tickets.redeem(secrets.generate())).to.equal(null);
  });
});
