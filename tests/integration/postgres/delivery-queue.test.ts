import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { type ClaimedNotification, KyselyDeliveryQueue } from '../../../src/adapters/postgres/delivery-queue.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { type NewNotification, NotificationRequest } from '../../../src/domain/notification-request.js';
import { TestDatabase, sqlOnPrimary } from '../../support/databases.js';
import { testStamping } from '../../support/test-container.js';

const LEASE_MS = 30_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface ClaimState {
  id: string;
  status: string;
  claim_token: string | null;
  next_attempt_at: Date | null;
  /** Seconds from now() to lease_expires_at; null when unset. */
  lease_in: number | null;
}

function fields(recipient = 'd@example.com'): NewNotification {
  return {
    id: randomUUID(),
    userId: 'user-delivery',
    type: 'welcome',
    channel: 'email',
    recipient,
    content: { subject: 'Welcome', body: null, templateVars: { username: 'd' } },
    correlationId: 'corr-delivery',
    sourceEventId: null,
  };
}

const ids = (claims: readonly ClaimedNotification[]) => claims.map((c) => c.notification.id).sort();

describe('KyselyDeliveryQueue', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let queue: KyselyDeliveryQueue;
  const uow = () => new KyselyUnitOfWork(kysely, testStamping());

  /** Stores a pending notification due `dueInMs` from now (negative: already due). */
  async function pending(dueInMs = -1_000, recipient?: string): Promise<string> {
    const n = NotificationRequest.request(fields(recipient), new Date(Date.now() + dueInMs));
    await uow().execute((u) => u.notifications.add(n));
    return n.id;
  }

  /** Puts a stored notification in a state directly, as the worker's outcomes would have left it. */
  async function setState(id: string, status: string, nextAttemptInMs: number | null, leaseInMs: number | null = null): Promise<void> {
    const at = (ms: number | null) => (ms === null ? null : sql<Date>`now() + make_interval(secs => ${ms / 1000})`);
    await kysely
      .updateTable('notifications')
      .set({ status, next_attempt_at: at(nextAttemptInMs), lease_expires_at: at(leaseInMs), claim_token: leaseInMs === null ? null : randomUUID() })
      .where('id', '=', id)
      .execute();
  }

  async function claimStates(): Promise<Map<string, ClaimState>> {
    const rows = await sqlOnPrimary<ClaimState>(
      db.name,
      `select id, status, claim_token, next_attempt_at, extract(epoch from lease_expires_at - now())::float8 as lease_in from notifications`,
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  before(async () => {
    db = await TestDatabase.create('it_delivery_queue');
    kysely = db.kysely('delivery');
    queue = new KyselyDeliveryQueue(kysely);
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });
  beforeEach(async () => {
    await sql`truncate notifications cascade`.execute(kysely);
  });

  it('claims due pending and retrying notifications, and no future, sending, sent, failed or suppressed one', async () => {
    const duePending = await pending(-1_000, 'due@example.com');
    const dueRetrying = await pending();
    await setState(dueRetrying, 'retrying', -500);
    const futurePending = await pending(3_600_000);
    const futureRetrying = await pending();
    await setState(futureRetrying, 'retrying', 3_600_000);
    const leased = await pending();
    await setState(leased, 'sending', null, 3_600_000);
    const others = new Map<string, string>();
    for (const status of ['sent', 'failed', 'suppressed']) {
      const id = await pending();
      await setState(id, status, -60_000);
      others.set(id, status);
    }
    const suppressed = NotificationRequest.suppress(fields(), 'preference_opt_out', new Date());
    await uow().execute((u) => u.notifications.add(suppressed));

    const claims = await queue.claimDue(10, LEASE_MS);

    expect(ids(claims)).to.deep.equal([duePending, dueRetrying].sort());
    const states = await claimStates();
    for (const claim of claims) {
      const state = states.get(claim.notification.id)!;
      expect(claim.resend).to.equal(false);
      expect(claim.claimToken).to.match(UUID).and.to.equal(state.claim_token);
      expect(claim.notification).to.deep.include({ status: 'sending', claimToken: claim.claimToken, nextAttemptAt: null });
      expect(state).to.deep.include({ status: 'sending', next_attempt_at: null });
      expect(state.lease_in).to.be.within(LEASE_MS / 1000 - 2, LEASE_MS / 1000);
    }
    expect(new Set(claims.map((c) => c.claimToken)).size).to.equal(2);
    const claimed = claims.find((c) => c.notification.id === duePending)!.notification;
    expect(claimed).to.deep.include({ recipient: 'due@example.com', type: 'welcome', correlationId: 'corr-delivery' });
    expect(claimed.content).to.deep.equal({ subject: 'Welcome', body: null, templateVars: { username: 'd' } });

    expect(states.get(futurePending)?.status).to.equal('pending');
    expect(states.get(futureRetrying)?.status).to.equal('retrying');
    expect(states.get(leased)?.status).to.equal('sending');
    for (const [id, status] of others) expect(states.get(id)?.status).to.equal(status);
    expect(states.get(suppressed.id)?.status).to.equal('suppressed');
    expect(await queue.claimDue(10, LEASE_MS)).to.deep.equal([]);
  });

  it('never gives one notification to two of five concurrent claimers', async () => {
    const all = await Promise.all(Array.from({ length: 50 }, () => pending()));
    const pools = Array.from({ length: 5 }, (_, i) => db.kysely(`claimer-${i}`));
    let batches: ClaimedNotification[][];
    try {
      batches = await Promise.all(pools.map((pool) => new KyselyDeliveryQueue(pool).claimDue(20, LEASE_MS)));
    } finally {
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
    const claimed = batches.flat();
    expect(batches.every((batch) => batch.length <= 20)).to.equal(true);
    expect(claimed).to.have.length(50);
    expect(ids(claimed)).to.deep.equal([...all].sort());
    expect(new Set(claimed.map((c) => c.claimToken)).size).to.equal(50);
    const states = await claimStates();
    for (const c of claimed) expect(states.get(c.notification.id)).to.deep.include({ status: 'sending', claim_token: c.claimToken });
  });

  it('reclaims a sending notification whose lease expired as a resend with a new token; the old token no longer holds the claim', async () => {
    const id = await pending();
    const [first] = await queue.claimDue(10, LEASE_MS);
    expect(first).to.deep.include({ resend: false });
    expect(await queue.claimDue(10, LEASE_MS)).to.deep.equal([]);

    await kysely.updateTable('notifications').set({ lease_expires_at: sql<Date>`now() - interval '1 second'` }).where('id', '=', id).execute();
    const [second, ...rest] = await queue.claimDue(10, LEASE_MS);
    expect(rest).to.deep.equal([]);
    expect(second?.notification.id).to.equal(id);
    expect(second?.resend).to.equal(true);
    expect(second?.claimToken).to.match(UUID).and.not.to.equal(first!.claimToken);
    expect((await claimStates()).get(id)?.lease_in).to.be.within(LEASE_MS / 1000 - 2, LEASE_MS / 1000);

    const { result: stored } = await uow().execute((u) => u.notifications.get(id));
    expect(stored?.holdsClaim(first!.claimToken)).to.equal(false);
    expect(stored?.holdsClaim(second!.claimToken)).to.equal(true);
  });

  it('never gives one expired lease to two concurrent claimers', async () => {
    const all = await Promise.all(Array.from({ length: 20 }, () => pending()));
    for (const id of all) await setState(id, 'sending', null, -1_000);
    const pools = Array.from({ length: 5 }, (_, i) => db.kysely(`reclaimer-${i}`));
    let batches: ClaimedNotification[][];
    try {
      batches = await Promise.all(pools.map((pool) => new KyselyDeliveryQueue(pool).claimDue(10, LEASE_MS)));
    } finally {
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
    const claimed = batches.flat();
    expect(ids(claimed)).to.deep.equal([...all].sort());
    expect(claimed.every((c) => c.resend)).to.equal(true);
  });

  it('claims no more than the limit when due and expired notifications are both waiting', async () => {
    for (let i = 0; i < 3; i++) await pending();
    for (let i = 0; i < 3; i++) await setState(await pending(), 'sending', null, -1_000);
    const claims = await queue.claimDue(4, LEASE_MS);
    expect(claims).to.have.length(4);
  });
});
