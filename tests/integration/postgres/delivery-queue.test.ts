import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { type Kysely, sql } from 'kysely';
import type { ClaimedNotification } from '../../../src/application/ports/delivery-queue.js';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyDeliveryQueue } from '../../../src/adapters/postgres/delivery-queue.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { type NewNotification, NotificationRequest } from '../../../src/domain/notification-request.js';
import type { Channel } from '../../../src/domain/notification-type.js';
import type { Priority } from '../../../src/domain/priority.js';
import { TestDatabase, sqlOnPrimary } from '../../support/databases.js';
import { testStamping } from '../../support/test-container.js';
import { aNewNotification } from '../../unit/mothers.js';

const LEASE_MS = 30_000;
/** A lease the renewal tests extend to LEASE_MS; long enough not to expire while a test runs. */
const SHORT_LEASE_MS = 10_000;
const EMAIL: Channel = 'email';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface ClaimState {
  id: string;
  status: string;
  claim_token: string | null;
  next_attempt_at: Date | null;
  lease_expiries: number;
  /** Seconds from now() to lease_expires_at; null when unset. */
  lease_in: number | null;
}

function fields(overrides: Partial<NewNotification> = {}): NewNotification {
  return aNewNotification({
    id: randomUUID(),
    userId: 'user-delivery',
    recipient: 'd@example.com',
    content: { subject: 'Welcome', body: null, templateVars: { username: 'd' } },
    correlationId: 'corr-delivery',
    ...overrides,
  });
}

const ids = (claims: readonly ClaimedNotification[]) => claims.map((c) => c.notification.id).sort();

describe('KyselyDeliveryQueue', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let queue: KyselyDeliveryQueue;
  const uow = () => new KyselyUnitOfWork(kysely, testStamping());

  /** Stores a pending notification due `dueInMs` from now (negative: already due). */
  async function pending(dueInMs = -1_000, overrides: Partial<NewNotification> = {}): Promise<string> {
    const n = NotificationRequest.request(fields(overrides), new Date(Date.now() + dueInMs));
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

  /** A notification whose lease expired `agoMs` ago (its worker died mid-send). */
  async function expired(agoMs: number, overrides: Partial<NewNotification> = {}): Promise<string> {
    const id = await pending(-agoMs, overrides);
    await setState(id, 'sending', null, -agoMs);
    return id;
  }

  const expire = (id: string) =>
    kysely.updateTable('notifications').set({ lease_expires_at: sql<Date>`now() - interval '1 second'` }).where('id', '=', id).execute();

  async function claimStates(): Promise<Map<string, ClaimState>> {
    const rows = await sqlOnPrimary<ClaimState>(
      db.name,
      `select id, status, claim_token, next_attempt_at, lease_expiries, extract(epoch from lease_expires_at - now())::float8 as lease_in
       from notifications`,
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

  it('claims a notification held for quiet hours once they end, not before, and clears its reason', async () => {
    const held = (untilMs: number) => NotificationRequest.hold(fields({ fallback: ['push', 'in_app'] }), new Date(Date.now() + untilMs), new Date());
    const [ended, ahead] = [held(-1_000), held(3_600_000)];
    await uow().execute(async (u) => {
      await u.notifications.add(ended);
      await u.notifications.add(ahead);
    });

    const claims = await queue.claimDue(10, LEASE_MS, EMAIL);

    expect(claims.map((c) => [c.notification.id, c.notification.status, c.notification.reason, c.notification.fallback, c.held])).to.deep.equal([[ended.id, 'sending', null, ['push', 'in_app'], true]]);
    const stored = await sqlOnPrimary<{ id: string; status: string; reason: string | null }>(db.name, 'select id, status, reason from notifications order by status');
    expect(stored.map((r) => [r.id, r.status, r.reason])).to.deep.equal([[ahead.id, 'scheduled', 'quiet_hours'], [ended.id, 'sending', null]]);
  });

  it('claims due pending and retrying notifications, and no future, sending, sent, failed or suppressed one', async () => {
    const duePending = await pending(-1_000, { recipient: 'due@example.com', priority: 'high', secretVariables: ['verify_token'] });
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

    const claims = await queue.claimDue(10, LEASE_MS, EMAIL);

    expect(ids(claims)).to.deep.equal([duePending, dueRetrying].sort());
    const states = await claimStates();
    for (const claim of claims) {
      const state = states.get(claim.notification.id)!;
      expect([claim.resend, claim.held]).to.deep.equal([false, false]);
      expect(claim.claimToken).to.match(UUID).and.to.equal(state.claim_token);
      expect(claim.notification).to.deep.include({ status: 'sending', claimToken: claim.claimToken, nextAttemptAt: null, leaseExpiries: 0 });
      expect(state).to.deep.include({ status: 'sending', next_attempt_at: null, lease_expiries: 0 });
      expect(state.lease_in).to.be.within(LEASE_MS / 1000 - 2, LEASE_MS / 1000);
    }
    expect(new Set(claims.map((c) => c.claimToken)).size).to.equal(2);
    const claimed = claims.find((c) => c.notification.id === duePending)!.notification;
    expect(claimed).to.deep.include({
      recipient: 'due@example.com',
      type: 'welcome',
      channel: 'email',
      priority: 'high',
      reason: null,
      deferrals: 0,
      retryOf: null,
      correlationId: 'corr-delivery',
      attempts: [],
    });
    expect(claimed.secretVariables).to.deep.equal(['verify_token']);
    expect(claimed.content).to.deep.equal({ subject: 'Welcome', body: null, templateVars: { username: 'd' } });
    // Handed out highest priority first.
    expect(claims.map((c) => c.notification.id)).to.deep.equal([duePending, dueRetrying]);

    expect(states.get(futurePending)?.status).to.equal('pending');
    expect(states.get(futureRetrying)?.status).to.equal('retrying');
    expect(states.get(leased)?.status).to.equal('sending');
    for (const [id, status] of others) expect(states.get(id)?.status).to.equal(status);
    expect(states.get(suppressed.id)?.status).to.equal('suppressed');
    expect(await queue.claimDue(10, LEASE_MS, EMAIL)).to.deep.equal([]);
  });

  it('claims nothing for a limit of zero', async () => {
    await pending();
    expect(await queue.claimDue(0, LEASE_MS, EMAIL)).to.deep.equal([]);
    expect([...(await claimStates()).values()].map((s) => s.status)).to.deep.equal(['pending']);
  });

  it('hands a critical notification out first, ahead of a backlog of 200 low ones created and due before it', async () => {
    const low: string[] = [];
    await uow().execute(async (u) => {
      for (let i = 0; i < 200; i++) {
        const n = NotificationRequest.request(fields({ priority: 'low' }), new Date(Date.now() - 600_000 + i * 1_000));
        await u.notifications.add(n);
        low.push(n.id);
      }
    });
    const critical = await pending(-1, { priority: 'critical', type: 'password_reset' });

    const claims = await queue.claimDue(10, LEASE_MS, EMAIL);

    expect(claims).to.have.length(10);
    expect(claims[0]?.notification).to.deep.include({ id: critical, priority: 'critical' });
    // The rest are the low ones that have waited longest.
    expect(ids(claims.slice(1))).to.deep.equal(low.slice(0, 9).sort());
    expect(claims.slice(1).every((c) => c.notification.priority === 'low')).to.equal(true);
  });

  it('claims in priority order, then earliest due, across due notifications and expired leases', async () => {
    const lowDue = await pending(-50_000, { priority: 'low' });
    const criticalRetrying = await pending(-10_000, { priority: 'critical' });
    await setState(criticalRetrying, 'retrying', -10_000);
    const criticalExpired = await expired(30_000, { priority: 'critical' });
    const normalExpired = await expired(60_000, { priority: 'normal' });
    const highDue = await pending(-5_000, { priority: 'high' });
    const criticalDue = await pending(-20_000, { priority: 'critical' });
    const lowExpired = await expired(120_000, { priority: 'low' });

    const order: Array<[string, Priority, boolean]> = [];
    for (;;) {
      const claims = await queue.claimDue(1, LEASE_MS, EMAIL);
      if (claims.length === 0) break;
      expect(claims).to.have.length(1);
      order.push([claims[0]!.notification.id, claims[0]!.notification.priority, claims[0]!.resend]);
    }

    expect(order).to.deep.equal([
      [criticalExpired, 'critical', true],
      [criticalDue, 'critical', false],
      [criticalRetrying, 'critical', false],
      [highDue, 'high', false],
      [normalExpired, 'normal', true],
      [lowExpired, 'low', true],
      [lowDue, 'low', false],
    ]);
  });

  it('takes the highest priorities of due and expired notifications under one limit, and hands them out highest first', async () => {
    const lows = [await pending(-90_000, { priority: 'low' }), await expired(90_000, { priority: 'low' })];
    const normal = await pending(-1_000, { priority: 'normal' });
    const high = await expired(1_000, { priority: 'high' });
    const critical = await pending(-1_000, { priority: 'critical' });

    const claims = await queue.claimDue(3, LEASE_MS, EMAIL);

    expect(claims.map((c) => [c.notification.id, c.notification.priority, c.resend])).to.deep.equal([
      [critical, 'critical', false],
      [high, 'high', true],
      [normal, 'normal', false],
    ]);
    // The low ones stay as they were: one still due, the other still expired and not taken over.
    const states = await claimStates();
    expect(states.get(lows[0]!)?.status).to.equal('pending');
    expect(states.get(lows[1]!)).to.deep.include({ status: 'sending', lease_expiries: 0 });
    expect(states.get(lows[1]!)?.lease_in).to.be.below(0);
  });

  it('claims only the channel asked for', async () => {
    const email = await pending();
    const sms = await pending();
    const smsExpired = await expired(5_000);
    await kysely.updateTable('notifications').set({ channel: 'sms' }).where('id', 'in', [sms, smsExpired]).execute();
    const SMS: Channel = 'sms';

    expect(ids(await queue.claimDue(10, LEASE_MS, EMAIL))).to.deep.equal([email]);
    const states = await claimStates();
    expect(states.get(sms)?.status).to.equal('pending');
    expect(states.get(smsExpired)?.lease_expiries).to.equal(0);

    const smsClaims = await queue.claimDue(10, LEASE_MS, SMS);
    expect(ids(smsClaims)).to.deep.equal([sms, smsExpired].sort());
    expect(smsClaims.find((c) => c.notification.id === smsExpired)?.resend).to.equal(true);
  });

  it('never gives one notification to two of five concurrent claimers', async () => {
    const all = await Promise.all(Array.from({ length: 50 }, (_, i) => pending(-1_000, { priority: (['critical', 'high', 'normal', 'low'] as const)[i % 4] })));
    const pools = Array.from({ length: 5 }, (_, i) => db.kysely(`claimer-${i}`));
    let batches: ClaimedNotification[][];
    try {
      batches = await Promise.all(pools.map((pool) => new KyselyDeliveryQueue(pool).claimDue(20, LEASE_MS, EMAIL)));
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

  it('reclaims a sending notification whose lease expired as a resend with a new token, counting each expiry; the old token no longer holds the claim', async () => {
    const id = await pending();
    const [first] = await queue.claimDue(10, LEASE_MS, EMAIL);
    expect(first).to.deep.include({ resend: false });
    expect(first?.notification.leaseExpiries).to.equal(0);
    expect(await queue.claimDue(10, LEASE_MS, EMAIL)).to.deep.equal([]);

    await expire(id);
    const [second, ...rest] = await queue.claimDue(10, LEASE_MS, EMAIL);
    expect(rest).to.deep.equal([]);
    expect(second?.notification.id).to.equal(id);
    expect(second?.resend).to.equal(true);
    expect(second?.notification.leaseExpiries).to.equal(1);
    expect(second?.claimToken).to.match(UUID).and.not.to.equal(first!.claimToken);
    expect((await claimStates()).get(id)).to.deep.include({ status: 'sending', lease_expiries: 1, claim_token: second!.claimToken });
    expect((await claimStates()).get(id)?.lease_in).to.be.within(LEASE_MS / 1000 - 2, LEASE_MS / 1000);

    const { result: stored } = await uow().execute((u) => u.notifications.get(id));
    expect(stored?.holdsClaim(first!.claimToken)).to.equal(false);
    expect(stored?.holdsClaim(second!.claimToken)).to.equal(true);
    expect(stored?.snapshot().leaseExpiries).to.equal(1);

    await expire(id);
    const [third] = await queue.claimDue(10, LEASE_MS, EMAIL);
    expect(third).to.deep.include({ resend: true });
    expect(third?.notification.leaseExpiries).to.equal(2);
    expect((await claimStates()).get(id)?.lease_expiries).to.equal(2);
  });

  it('never gives one expired lease to two concurrent claimers, and counts each takeover once', async () => {
    const all = await Promise.all(Array.from({ length: 20 }, () => pending()));
    for (const id of all) await setState(id, 'sending', null, -1_000);
    const pools = Array.from({ length: 5 }, (_, i) => db.kysely(`reclaimer-${i}`));
    let batches: ClaimedNotification[][];
    try {
      batches = await Promise.all(pools.map((pool) => new KyselyDeliveryQueue(pool).claimDue(10, LEASE_MS, EMAIL)));
    } finally {
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
    const claimed = batches.flat();
    expect(ids(claimed)).to.deep.equal([...all].sort());
    expect(claimed.every((c) => c.resend)).to.equal(true);
    expect([...(await claimStates()).values()].map((s) => s.lease_expiries)).to.deep.equal(all.map(() => 1));
  });

  it('claims no more than the limit when due and expired notifications are both waiting', async () => {
    for (let i = 0; i < 3; i++) await pending();
    for (let i = 0; i < 3; i++) await setState(await pending(), 'sending', null, -1_000);
    const claims = await queue.claimDue(4, LEASE_MS, EMAIL);
    expect(claims).to.have.length(4);
    // The rows locked but not picked are left as they were.
    const states = [...(await claimStates()).values()];
    expect(states.filter((s) => s.status === 'sending' && (s.lease_in ?? 0) > 0)).to.have.length(4);
  });

  it('leaves expired leases alone when asked to (just after a database outage), still claiming due rows', async () => {
    const due = await pending();
    const expiredLease = await expired(60_000);
    const claims = await queue.claimDue(10, LEASE_MS, EMAIL, { takeOverExpired: false });
    expect(ids(claims)).to.deep.equal([due]);
    expect((await claimStates()).get(expiredLease)).to.deep.include({ status: 'sending', lease_expiries: 0 });
    expect(ids(await queue.claimDue(10, LEASE_MS, EMAIL, { takeOverExpired: true }))).to.deep.equal([expiredLease]);
  });

  it('reads only due rows of each priority, however many are deferred far ahead (the index bounds the scan)', async () => {
    await sql`insert into notifications (id, type, channel, recipient, status, priority, next_attempt_at, created_at, updated_at)
              select gen_random_uuid(), 'welcome', 'email', 'x@example.com', 'retrying', 2, now() + interval '1 hour', now(), now()
              from generate_series(1, 20000)`.execute(kysely);
    await sql`analyze notifications`.execute(kysely);
    const due = await pending(-1_000, { priority: 'normal' });
    const { rows } = await sql<{ 'QUERY PLAN': unknown }>`explain (analyze, buffers, format json)
      select id from notifications where status in ('pending', 'retrying') and priority = 2 and next_attempt_at <= now()
      order by next_attempt_at limit 16 for update skip locked`.execute(kysely);
    const plan = JSON.stringify(rows[0]?.['QUERY PLAN']);
    expect(plan).to.include('notifications_due');
    expect(Number(/"Shared Hit Blocks":\s*(\d+)/.exec(plan)?.[1] ?? 1e9)).to.be.below(50);
    expect(ids(await queue.claimDue(16, LEASE_MS, EMAIL))).to.deep.equal([due]);
  });

  it('returns the claimed notification without its attempt history', async () => {
    const id = await pending();
    await sql`insert into notification_attempts (notification_id, number, attempted_at, outcome, response, error, latency_ms)
              values (${id}, 1, now(), 'transient_failure', '450 busy', 'busy', 12)`.execute(kysely);
    await setState(id, 'retrying', -1_000);
    const [claim] = await queue.claimDue(10, LEASE_MS, EMAIL);
    expect(claim?.notification.id).to.equal(id);
    expect(claim?.notification.attempts).to.deep.equal([]);
    // The history is still there for the repository, which loads it to record the outcome.
    const { result } = await uow().execute((u) => u.notifications.get(id));
    expect(result?.snapshot().attempts.map((a) => [a.number, a.outcome])).to.deep.equal([[1, 'transient_failure']]);
  });

  describe('releaseDeferred', () => {
    /** A notification of `channel` to `recipient`, waiting out its `deferrals`-th provider-down backoff (0: a plan's retry). */
    async function waiting(channel: Channel, recipient: string, deferrals: number, status = 'pending'): Promise<string> {
      const id = await pending(-60_000, { recipient });
      await setState(id, status, 300_000);
      await kysely.updateTable('notifications').set({ channel, deferrals }).where('id', '=', id).execute();
      return id;
    }

    it("makes due the endpoint's deferred webhooks only: not another endpoint's, not a plan's retry, not another channel's", async () => {
      const released = [await waiting('webhook', 'https://hooks.example.com/a', 7), await waiting('webhook', 'https://hooks.example.com/b?x=1', 1, 'retrying')];
      const kept = [
        await waiting('webhook', 'https://hooks.example.com:8443/a', 7),
        await waiting('webhook', 'https://hooks.example.com.evil.example/a', 7),
        await waiting('webhook', 'https://hooks.example.com/c', 0, 'retrying'),
        await waiting('sms', 'https://hooks.example.com/d', 3),
      ];

      expect(await queue.releaseDeferred('webhook', 'https://hooks.example.com/')).to.equal(2);
      expect(ids(await queue.claimDue(10, LEASE_MS, 'webhook'))).to.deep.equal(released.sort());
      const states = await claimStates();
      for (const id of kept) expect(states.get(id)?.status, id).to.be.oneOf(['pending', 'retrying']);
    });

    it("makes due a channel's deferred notifications to any address, leaving one already due as it was", async () => {
      const deferred = [await waiting('sms', '+15551230001', 2), await waiting('sms', '+15551230002', 9)];
      const due = await pending(-1_000, { recipient: '+15551230003' });
      await kysely.updateTable('notifications').set({ channel: 'sms', deferrals: 1 }).where('id', '=', due).execute();

      expect(await queue.releaseDeferred('sms')).to.equal(2);
      expect(ids(await queue.claimDue(10, LEASE_MS, 'sms'))).to.deep.equal([...deferred, due].sort());
    });
  });

  describe('renewLeases', () => {
    it('extends the leases of the claims still held and answers how many', async () => {
      const [a, b] = [await pending(), await pending()];
      const claims = await queue.claimDue(10, SHORT_LEASE_MS, EMAIL);
      expect(ids(claims)).to.deep.equal([a, b].sort());

      const renewed = await queue.renewLeases(
        claims.map((c) => ({ notificationId: c.notification.id, claimToken: c.claimToken })),
        LEASE_MS,
      );

      expect(renewed).to.equal(2);
      const states = await claimStates();
      for (const c of claims) {
        expect(states.get(c.notification.id)).to.deep.include({ status: 'sending', claim_token: c.claimToken });
        expect(states.get(c.notification.id)?.lease_in).to.be.within(LEASE_MS / 1000 - 2, LEASE_MS / 1000);
      }
    });

    it('does not renew a claim taken over after its lease expired, nor one no longer sending', async () => {
      const [held, takenOver, finished] = [await pending(-3_000), await pending(-2_000), await pending(-1_000)];
      const claims = await queue.claimDue(10, SHORT_LEASE_MS, EMAIL);
      const tokenOf = (id: string) => claims.find((c) => c.notification.id === id)!.claimToken;
      const original = [held, takenOver, finished].map((id) => ({ notificationId: id, claimToken: tokenOf(id) }));

      await expire(takenOver);
      const [takeover] = await queue.claimDue(10, SHORT_LEASE_MS, EMAIL);
      expect(takeover?.notification.id).to.equal(takenOver);
      // Its outcome recorded: the token is kept here only to show that status counts too.
      await kysely.updateTable('notifications').set({ status: 'sent', lease_expires_at: null }).where('id', '=', finished).execute();

      expect(await queue.renewLeases(original, LEASE_MS)).to.equal(1);

      const states = await claimStates();
      expect(states.get(held)?.lease_in).to.be.within(LEASE_MS / 1000 - 2, LEASE_MS / 1000);
      expect(states.get(takenOver)).to.deep.include({ status: 'sending', claim_token: takeover!.claimToken });
      expect(states.get(takenOver)?.lease_in).to.be.at.most(SHORT_LEASE_MS / 1000);
      expect(states.get(finished)).to.deep.include({ status: 'sent', lease_in: null });

      // The new holder renews its own claim.
      expect(await queue.renewLeases([{ notificationId: takenOver, claimToken: takeover!.claimToken }], LEASE_MS)).to.equal(1);
      expect((await claimStates()).get(takenOver)?.lease_in).to.be.within(LEASE_MS / 1000 - 2, LEASE_MS / 1000);
    });

    it('answers 0 for no claims and for claims it does not know', async () => {
      expect(await queue.renewLeases([], LEASE_MS)).to.equal(0);
      const id = await pending();
      expect(await queue.renewLeases([{ notificationId: id, claimToken: randomUUID() }], LEASE_MS)).to.equal(0);
      expect(await queue.renewLeases([{ notificationId: randomUUID(), claimToken: randomUUID() }], LEASE_MS)).to.equal(0);
      expect((await claimStates()).get(id)).to.deep.include({ status: 'pending', lease_in: null });
    });
  });
});
