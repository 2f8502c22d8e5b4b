import { expect } from 'chai';
import { HmacFeedTokens, feedToken } from '../../../src/adapters/realtime/hmac-feed-tokens.js';
import type { StreamTicketSecrets, StreamTicketStore } from '../../../src/application/ports/stream-access.js';
import { STREAM_TICKET_TTL_MS, StreamTickets } from '../../../src/application/realtime/stream-tickets.js';
import { userStreamAccess } from '../../../src/application/realtime/user-stream-access.js';
import { FakeClock } from '../../support/fakes.js';

const SECRET = 'feed-signing-secret-0123456789abcdef';
const tokens = new HmacFeedTokens(SECRET);

describe('userStreamAccess', () => {
  it('opens the stream of the user whose id the token signs', () => {
    expect(userStreamAccess(tokens, 'u-42', feedToken(SECRET, 'u-42'))).to.deep.equal({ granted: true, subscriber: { kind: 'user', userId: 'u-42' } });
  });

  it('computes the token as the lowercase hex of HMAC-SHA256(secret, userid), as a backend would', () => {
    // echo -n u-42 | openssl dgst -sha256 -hmac feed-signing-secret-0123456789abcdef
    expect(feedToken(SECRET, 'u-42')).to.equal('c3831eac5b31f426965b81e54ce581f4209adf19ac1ec5f3bb9351dcd9121835');
  });

  it("refuses another user's token, an uppercase one and a truncated one as 401", () => {
    const token = feedToken(SECRET, 'u-42');
    const refusals = [feedToken(SECRET, 'u-43'), token.toUpperCase(), token.slice(0, 63), feedToken('another-secret-0123456789abcdef0123', 'u-42')].map((t) => userStreamAccess(tokens, 'u-42', t));
    expect(refusals).to.deep.equal(Array(4).fill({ granted: false, status: 401, reason: 'The token does not match the userid' }));
  });

  it('asks for both parameters, and refuses a user id the service would never store', () => {
    expect(userStreamAccess(tokens, 'u-42', null)).to.include({ granted: false, status: 401 });
    expect(userStreamAccess(tokens, null, null)).to.include({ granted: false, status: 401 });
    expect(userStreamAccess(tokens, '\u0000', feedToken(SECRET, '\u0000'))).to.deep.equal({ granted: false, status: 401, reason: 'userid must contain printable characters only' });
  });

  it('refuses every user stream as 403, naming FEED_SIGNING_SECRET, when it is not set', () => {
    expect(userStreamAccess(null, 'u-42', feedToken(SECRET, 'u-42'))).to.deep.equal({ granted: false, status: 403, reason: 'User streams are disabled: the service has no FEED_SIGNING_SECRET' });
  });
});

/** Tickets by hash with their key, expiring by the fake clock, as the PostgreSQL store does by its own. */
class FakeTicketStore implements StreamTicketStore {
  readonly tickets = new Map<string, { keyId: string; expiresAt: Date }>();
  consumed = 0;
  constructor(private readonly clock: FakeClock) {}
  async save(hash: string, keyId: string, ttlMs: number): Promise<Date> {
    const expiresAt = new Date(this.clock.now().getTime() + ttlMs);
    this.tickets.set(hash, { keyId, expiresAt });
    return expiresAt;
  }
  async consume(hash: string): Promise<string | null> {
    this.consumed += 1;
    const ticket = this.tickets.get(hash);
    this.tickets.delete(hash);
    return ticket !== undefined && ticket.expiresAt > this.clock.now() ? ticket.keyId : null;
  }
}

const TICKET = `wst_${'t'.repeat(43)}`;
const secrets: StreamTicketSecrets = { generate: () => TICKET, isWellFormed: (ticket) => /^wst_[a-z]{43}$/.test(ticket), hash: (ticket) => `hash(${ticket})` };

describe('StreamTickets', () => {
  const setup = () => {
    const clock = new FakeClock();
    const store = new FakeTicketStore(clock);
    return { clock, store, tickets: new StreamTickets(store, secrets) };
  };

  it("issues a ticket valid for 30 s by the store's clock, and stores only its hash, with the issuing key", async () => {
    const { clock, store, tickets } = setup();
    const issued = await tickets.issue('key-1');
    expect(issued).to.deep.equal({ ticket: TICKET, expiresAt: new Date(clock.now().getTime() + STREAM_TICKET_TTL_MS) });
    expect([...store.tickets]).to.deep.equal([[`hash(${TICKET})`, { keyId: 'key-1', expiresAt: issued.expiresAt }]]);
  });

  it('opens one stream per ticket, on behalf of the key that issued it: the second use is refused', async () => {
    const { tickets } = setup();
    const { ticket } = await tickets.issue('key-1');
    expect([await tickets.redeem(ticket), await tickets.redeem(ticket)]).to.deep.equal(['key-1', null]);
  });

  it('refuses a ticket presented 30 s after it was issued', async () => {
    const { clock, tickets } = setup();
    const { ticket } = await tickets.issue('key-1');
    clock.advance(STREAM_TICKET_TTL_MS);
    expect(await tickets.redeem(ticket)).to.equal(null);
  });

  it('refuses a string of any other shape without looking it up: no query for an anonymous upgrade', async () => {
    const { store, tickets } = setup();
    const junk = ['', 'x'.repeat(129), `wst_${'t'.repeat(42)}`, `wst_${'t'.repeat(44)}`, `wsx_${'t'.repeat(43)}`, `wst_${'T'.repeat(43)}`];
    expect(await Promise.all(junk.map((t) => tickets.redeem(t)))).to.deep.equal(junk.map(() => null));
    expect(store.consumed).to.equal(0);
  });
});
