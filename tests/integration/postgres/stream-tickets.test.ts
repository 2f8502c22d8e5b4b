import { expect } from 'chai';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyStreamTicketStore } from '../../../src/adapters/postgres/stream-ticket.store.js';
import { RandomStreamTicketSecrets } from '../../../src/adapters/system/stream-ticket-secrets.js';
import { StreamTickets } from '../../../src/application/realtime/stream-tickets.js';
import { SystemClock } from '../../../src/adapters/system/system-clock.js';
import { TestDatabase } from '../../support/databases.js';

describe('stream tickets (PostgreSQL)', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let store: KyselyStreamTicketStore;
  let tickets: StreamTickets;
  const secrets = new RandomStreamTicketSecrets();

  before(async () => {
    db = await TestDatabase.create('tickets');
    kysely = db.kysely();
    store = new KyselyStreamTicketStore(kysely);
    tickets = new StreamTickets(store, secrets, new SystemClock());
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });

  it('stores only the hash of a ticket, expiring 30 s after it was issued', async () => {
    const { ticket, expiresAt } = await tickets.issue();
    const rows = await kysely.selectFrom('ws_tickets').select(['hash', 'expires_at']).where('hash', '=', secrets.hash(ticket)).execute();
    expect(rows).to.deep.equal([{ hash: secrets.hash(ticket), expires_at: expiresAt }]);
    expect(ticket).to.match(/^wst_[A-Za-z0-9_-]{43}$/);
    expect(await kysely.selectFrom('ws_tickets').select('hash').where('hash', '=', ticket).execute()).to.deep.equal([]);
  });

  it('opens one stream per ticket, also when two instances present it at the same moment', async () => {
    const { ticket } = await tickets.issue();
    const other = new StreamTickets(new KyselyStreamTicketStore(kysely), secrets, new SystemClock());
    const outcomes = await Promise.all([tickets.redeem(ticket), other.redeem(ticket), tickets.redeem(ticket)]);
    expect(outcomes.filter(Boolean)).to.have.length(1);
    expect(await tickets.redeem(ticket)).to.equal(false);
  });

  it("refuses an expired ticket, by the database's clock, and leaves it to retention", async () => {
    const ticket = secrets.generate();
    await store.save(secrets.hash(ticket), new Date(Date.now() - 1_000));
    expect(await tickets.redeem(ticket)).to.equal(false);
    expect(await kysely.selectFrom('ws_tickets').select('hash').where('hash', '=', secrets.hash(ticket)).execute()).to.have.length(1);
  });

  it('refuses a ticket that was never issued', async () => {
    expect(await tickets.redeem(secrets.generate())).to.equal(false);
  });
});
