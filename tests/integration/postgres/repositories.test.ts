import { expect } from 'chai';
import type { Kysely } from 'kysely';
import { KyselyApiKeyLookup } from '../../../src/adapters/postgres/api-key.repository.js';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { KyselyNotificationRepository } from '../../../src/adapters/postgres/notification.repository.js';
import { ConcurrentModificationError, PreferencesAlreadyExistError } from '../../../src/domain/errors.js';
import { EmailAddress } from '../../../src/domain/email-address.js';
import { NotificationPreferences, preferenceFlags } from '../../../src/domain/notification-preferences.js';
import { type NewNotification, NotificationRequest } from '../../../src/domain/notification-request.js';
import type { Priority } from '../../../src/domain/priority.js';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import { UserId } from '../../../src/domain/user-id.js';
import { testStamping } from '../../support/test-container.js';
import { TestDatabase, eventually } from '../../support/databases.js';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { rejection } from '../../unit/rejection.js';
import { aNewNotification, fixedSchedule, permanent, providerDown, transient } from '../../unit/mothers.js';
import { claimRow } from './notifications.js';

const NOW = new Date('2026-11-22T10:00:00.000Z');

describe('PostgreSQL repositories', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  const uow = () => new KyselyUnitOfWork(kysely, testStamping());

  before(async () => {
    db = await TestDatabase.create('it_repositories');
    kysely = db.kysely();
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });

  describe('preferences', () => {
    const userId = UserId.of('user-repo-1');

    it('store and load an aggregate with its flags, email and timestamps', async () => {
      const flags = preferenceFlags({ welcome: false });
      await uow().execute((u) => u.preferences.add(NotificationPreferences.create(userId, EmailAddress.of('a@example.com'), flags, NOW)));
      const { result } = await uow().execute((u) => u.preferences.get(userId));
      expect(result?.snapshot()).to.deep.include({ userId: 'user-repo-1', notificationEmail: 'a@example.com', version: 2 });
      expect(result?.snapshot().preferences).to.deep.equal(flags);
      expect(result?.createdAt.toISOString()).to.equal(NOW.toISOString());
    });

    it('refuse a second aggregate for the same user', async () => {
      const again = NotificationPreferences.create(userId, EmailAddress.of('b@example.com'), preferenceFlags(), NOW);
      const error = await rejection(uow().execute((u) => u.preferences.add(again)));
      expect(error).to.be.instanceOf(PreferencesAlreadyExistError);
    });

    it('refuse a save based on a stale load (optimistic concurrency)', async () => {
      const first = (await uow().execute((u) => u.preferences.get(userId))).result;
      const second = (await uow().execute((u) => u.preferences.get(userId))).result;
      first?.replace(EmailAddress.of('first@example.com'), preferenceFlags(), NOW);
      second?.replace(EmailAddress.of('second@example.com'), preferenceFlags(), NOW);
      await uow().execute((u) => u.preferences.save(first!));
      const error = await rejection(uow().execute((u) => u.preferences.save(second!)));
      expect(error).to.be.instanceOf(ConcurrentModificationError);
      const stored = (await uow().execute((u) => u.preferences.get(userId))).result;
      expect(stored?.notificationEmail.value).to.equal('first@example.com');
    });
  });

  describe('notifications', () => {
    const at = (ms: number) => new Date(NOW.getTime() + ms);
    const timing = (ms: number, latencyMs = 10) => ({ attemptedAt: at(ms), latencyMs });
    const SCHEDULE = fixedSchedule(3);

    /** Claims the stored row (as the queue does), then loads, records and saves in one unit of work. */
    async function record(id: string, outcome: SendOutcome, ms: number, latencyMs = 10) {
      await claimRow(kysely, id, at(ms + 60_000));
      return uow().execute(async (u) => {
        const n = (await u.notifications.get(id))!;
        n.record(outcome, timing(ms, latencyMs), SCHEDULE);
        await u.notifications.save(n);
        return n.snapshot();
      });
    }

    async function failedNotification(overrides: Partial<NewNotification> = {}): Promise<NotificationRequest> {
      const n = NotificationRequest.request(aNewNotification({ id: randomUUID(), ...overrides }), NOW);
      await uow().execute((u) => u.notifications.add(n));
      await record(n.id, permanent('550 no such user'), 1_000);
      return (await uow().execute((u) => u.notifications.get(n.id))).result!;
    }

    it('store a notification and append only new attempts on save', async () => {
      const id = randomUUID();
      const fields = aNewNotification({ id, userId: 'user-repo-2', recipient: 'c@example.com', content: { subject: 'Hi', body: null, templateVars: { username: 'c' } } });
      await uow().execute((u) => u.notifications.add(NotificationRequest.request(fields, NOW)));
      await record(id, { kind: 'transient', error: 'busy', response: '450 busy' }, 0, 12);
      await claimRow(kysely, id, at(62_000));
      const { events } = await uow().execute(async (u) => {
        const n = (await u.notifications.get(id))!;
        n.record({ kind: 'accepted', response: '250 ok', providerMessageId: null }, timing(2_100, 8), SCHEDULE);
        await u.notifications.save(n);
      });
      expect(events.map((e) => e.type)).to.deep.equal(['NotificationSent']);
      const stored = (await uow().execute((u) => u.notifications.get(id))).result!.snapshot();
      expect(stored.status).to.equal('sent');
      expect(stored.content).to.deep.equal(fields.content);
      expect(stored.attempts.map((a) => [a.number, a.outcome, a.response])).to.deep.equal([
        [1, 'transient_failure', '450 busy'],
        [2, 'accepted', '250 ok'],
      ]);
      const ledger = await sql<{ n: number }>`select count(*)::int as n from notification_attempts where notification_id = ${id}`.execute(kysely);
      expect(ledger.rows[0]?.n).to.equal(2);
    });

    it('load several at once (unknown ids left out) and save them in one write, each with its own columns and new attempts', async () => {
      const request = (n: number) =>
        NotificationRequest.request(
          aNewNotification({ id: randomUUID(), userId: `user-many-${n}`, recipient: `m${n}@example.com`, content: { subject: null, body: null, templateVars: {} }, correlationId: null }),
          NOW,
        );
      const [a, b, c] = [request(1), request(2), request(3)];
      await uow().execute(async (u) => {
        for (const n of [a, b, c]) await u.notifications.add(n);
      });
      for (const n of [a, b, c]) await claimRow(kysely, n.id, at(60_000));
      const missing = randomUUID();
      const { result: loadedIds } = await uow().execute(async (u) => {
        const loaded = await u.notifications.getMany([b.id, missing, c.id, a.id]);
        loaded.get(a.id)?.record({ kind: 'accepted', response: '250 ok', providerMessageId: null }, timing(0, 5), SCHEDULE);
        loaded.get(b.id)?.record(transient('451 later'), timing(0, 7), SCHEDULE);
        loaded.get(c.id)?.abandon(at(0), 'lease_expired');
        await u.notifications.save(...loaded.values());
        return [...loaded.keys()].sort();
      });
      expect(loadedIds).to.deep.equal([a.id, b.id, c.id].sort());
      const { result: reloaded } = await uow().execute((u) => u.notifications.getMany([a.id, b.id, c.id]));
      const stored = [a, b, c].map((n) => reloaded.get(n.id)!.snapshot());
      expect(stored.map((s) => [s.status, s.reason, s.claimToken, s.attempts.map((t) => [t.number, t.outcome, t.latencyMs])])).to.deep.equal([
        ['sent', null, null, [[1, 'accepted', 5]]],
        ['retrying', null, null, [[1, 'transient_failure', 7]]],
        ['failed', 'lease_expired', null, []],
      ]);
      expect(stored[1]?.nextAttemptAt?.toISOString()).to.equal(at(10_000).toISOString());
      expect([stored[0]?.nextAttemptAt, stored[2]?.nextAttemptAt]).to.deep.equal([null, null]);
    });

    it('write a recorded attempt into the row and its history with one row update (the trigger finds nothing to rebuild)', async () => {
      const request = (n: number) => NotificationRequest.request(aNewNotification({ id: randomUUID(), userId: `user-once-${n}`, recipient: `o${n}@example.com` }), NOW);
      const [a, b] = [request(1), request(2)];
      await uow().execute(async (u) => {
        for (const n of [a, b]) await u.notifications.add(n);
      });
      for (const n of [a, b]) await claimRow(kysely, n.id, at(60_000));
      const updates = await kysely.transaction().execute(async (tx) => {
        const repository = new KyselyNotificationRepository(tx, { seen: (aggregate) => aggregate });
        const loaded = await repository.getMany([a.id, b.id]);
        for (const n of loaded.values()) n.record(transient('451 later'), timing(0, 3), SCHEDULE);
        const count = () => sql<{ n: number }>`select n_tup_upd::int as n from pg_stat_xact_user_tables where relname = 'notifications'`.execute(tx);
        const before = (await count()).rows[0]?.n ?? 0;
        await repository.save(...loaded.values());
        return ((await count()).rows[0]?.n ?? 0) - before;
      });
      expect(updates).to.equal(2);
      const { rows } = await sql<{ history: Array<{ number: number; outcome: string; latency_ms: number }> }>`
        select attempt_history as history from notifications where id in (${a.id}, ${b.id})`.execute(kysely);
      expect(rows.map((r) => r.history.map((h) => [h.number, h.outcome, h.latency_ms]))).to.deep.equal([[[1, 'transient_failure', 3]], [[1, 'transient_failure', 3]]]);
    });

    it('keep the attempt history equal to the ledger, whoever inserts the attempt', async () => {
      const id = randomUUID();
      const fields = aNewNotification({ id, userId: 'user-ledger', recipient: 'l@example.com', content: { subject: null, body: null, templateVars: {} }, correlationId: null });
      await uow().execute((u) => u.notifications.add(NotificationRequest.request(fields, NOW)));
      await record(id, { kind: 'transient', error: 'later', response: '451 later' }, 7, 30);
      // An attempt written by something other than this repository (an older version, a repair).
      await sql`insert into notification_attempts (notification_id, number, attempted_at, outcome, response, error, latency_ms)
                values (${id}, 2, ${at(2_500)}, 'accepted', '250 by hand', null, 4)`.execute(kysely);
      const { rows } = await sql<{ history: Array<{ attempted_at: string }> }>`select attempt_history as history from notifications where id = ${id}`.execute(kysely);
      // The time as JSON text in the session's zone: compared as an instant.
      expect(rows[0]?.history.map((h) => ({ ...h, attempted_at: new Date(h.attempted_at).toISOString() }))).to.deep.equal([
        { number: 1, attempted_at: '2026-11-22T10:00:00.007Z', outcome: 'transient_failure', response: '451 later', error: 'later', latency_ms: 30 },
        { number: 2, attempted_at: '2026-11-22T10:00:02.500Z', outcome: 'accepted', response: '250 by hand', error: null, latency_ms: 4 },
      ]);
      const loaded = (await uow().execute((u) => u.notifications.get(id))).result!.snapshot();
      expect(loaded.attempts.map((a) => [a.number, a.attemptedAt.toISOString(), a.response])).to.deep.equal([
        [1, '2026-11-22T10:00:00.007Z', '451 later'],
        [2, '2026-11-22T10:00:02.500Z', '250 by hand'],
      ]);
    });

    it('rebuild the history of an attempt deleted and inserted again with other values (a repair)', async () => {
      const id = randomUUID();
      await uow().execute((u) => u.notifications.add(NotificationRequest.request(aNewNotification({ id, userId: 'user-repair' }), NOW)));
      await record(id, transient('451 later'), 0, 9);
      await sql`delete from notification_attempts where notification_id = ${id} and number = 1`.execute(kysely);
      await sql`insert into notification_attempts (notification_id, number, attempted_at, outcome, response, error, latency_ms)
                values (${id}, 1, ${at(0)}, 'transient_failure', '451 corrected', 'corrected', 9)`.execute(kysely);
      const { rows } = await sql<{ history: Array<{ number: number; response: string }> }>`select attempt_history as history from notifications where id = ${id}`.execute(kysely);
      expect(rows[0]?.history.map((h) => [h.number, h.response])).to.deep.equal([[1, '451 corrected']]);
    });

    it('store any provider text in an attempt: quotes, backslashes, emoji, and NUL or a lone surrogate as U+FFFD', async () => {
      const id = randomUUID();
      await uow().execute((u) => u.notifications.add(NotificationRequest.request(aNewNotification({ id, userId: 'user-text' }), NOW)));
      const reply = `451 "busy" \\ C:\\q 🚀 end`;
      const cut = `451 ${'x'.repeat(10)}\ud83d`;
      await record(id, { kind: 'transient', error: `${cut}\u0000`, response: reply }, 0, 2);
      const stored = (await uow().execute((u) => u.notifications.get(id))).result!.snapshot().attempts[0];
      expect([stored?.response, stored?.error]).to.deep.equal([reply, `451 ${'x'.repeat(10)}\ufffd\ufffd`]);
      const ledger = await sql<{ error: string }>`select error from notification_attempts where notification_id = ${id}`.execute(kysely);
      expect(ledger.rows[0]?.error).to.equal(`451 ${'x'.repeat(10)}\ufffd\ufffd`);
    });

    it('refuse to save the same notification twice in one write', async () => {
      const n = NotificationRequest.request(aNewNotification({ id: randomUUID(), userId: 'user-twice' }), NOW);
      await uow().execute((u) => u.notifications.add(n));
      const error = await rejection(uow().execute(async (u) => {
        const loaded = (await u.notifications.get(n.id))!;
        await u.notifications.save(loaded, loaded);
      }));
      expect(error).to.be.instanceOf(Error).with.property('message', 'save: the same notification twice in one write');
    });

    it('erase one-time secrets from the row in the write that makes it final, keeping their names', async () => {
      const n = NotificationRequest.request(
        aNewNotification({ id: randomUUID(), type: 'password_reset', content: { subject: null, body: null, templateVars: { name: 'Ada', reset_token: 'tok-1' } }, secretVariables: ['reset_token'] }),
        NOW,
      );
      await uow().execute((u) => u.notifications.add(n));
      const vars = async () => (await sql<{ template_vars: unknown; secret_variables: string[] }>`select template_vars, secret_variables from notifications where id = ${n.id}`.execute(kysely)).rows[0];
      await record(n.id, { kind: 'transient', error: 'busy', response: '450 busy' }, 1_000);
      expect(await vars()).to.deep.equal({ template_vars: { name: 'Ada', reset_token: 'tok-1' }, secret_variables: ['reset_token'] });
      await record(n.id, { kind: 'accepted', response: '250 ok', providerMessageId: null }, 20_000);
      expect(await vars()).to.deep.equal({ template_vars: { name: 'Ada' }, secret_variables: ['reset_token'] });
    });

    it('round-trip priority, reason, deferrals, lease expiries, retry_of and secret variables', async () => {
      const original = await failedNotification({
        type: 'order_confirmation',
        priority: 'critical',
        content: { subject: 'Order', body: null, templateVars: { name: 'Ada', order_id: 7 } },
      });
      const retry = NotificationRequest.retryOf(original, randomUUID(), at(5_000));
      await uow().execute((u) => u.notifications.add(retry));
      const stored = (await uow().execute((u) => u.notifications.get(retry.id))).result!;
      expect(stored.snapshot()).to.deep.equal(retry.snapshot());
      expect(stored.snapshot()).to.deep.include({ priority: 'critical', retryOf: original.id, status: 'pending', reason: null, deferrals: 0, leaseExpiries: 0 });

      // Two takeovers of expired leases (the claim counts them), then the provider is down twice.
      await sql`update notifications set lease_expiries = 2 where id = ${retry.id}`.execute(kysely);
      await record(retry.id, providerDown({ attempted: false }), 6_000);
      const { result: deferred } = await record(retry.id, providerDown(), 8_000, 3);
      const reloaded = (await uow().execute((u) => u.notifications.get(retry.id))).result!.snapshot();
      expect(reloaded).to.deep.equal(deferred);
      // A worker that came back with an answer makes the earlier expired leases moot.
      expect(reloaded).to.deep.include({ status: 'pending', deferrals: 2, leaseExpiries: 0, nextAttemptAt: at(10_000), claimToken: null, leaseExpiresAt: null });

      type Raw = { priority: number; reason: string | null; deferrals: number; lease_expiries: number; retry_of: string | null; secret_variables: string[]; template_vars: unknown };
      const raw = async (id: string) =>
        (await sql<Raw>`select priority, reason, deferrals, lease_expiries, retry_of, secret_variables, template_vars from notifications where id = ${id}`.execute(kysely)).rows[0];
      expect(await raw(retry.id)).to.deep.equal({
        priority: 0,
        reason: null,
        deferrals: 2,
        lease_expiries: 0,
        retry_of: original.id,
        secret_variables: [],
        template_vars: { name: 'Ada', order_id: 7 },
      });
      expect(await raw(original.id)).to.deep.include({ priority: 0, reason: 'permanent_failure', retry_of: null, secret_variables: [] });
    });

    it('store each priority as its rank and each suppression reason as the reason', async () => {
      const ranks: Array<[Priority, number]> = [['critical', 0], ['high', 1], ['normal', 2], ['low', 3]];
      const reasons = ['preference_opt_out', 'duplicate', 'invalid_recipient'] as const;
      const requested = ranks.map(([priority]) => NotificationRequest.request(aNewNotification({ id: randomUUID(), priority }), NOW));
      const suppressed = reasons.map((reason) => NotificationRequest.suppress(aNewNotification({ id: randomUUID(), priority: 'low' }), reason, NOW));
      await uow().execute(async (u) => {
        for (const n of [...requested, ...suppressed]) await u.notifications.add(n);
      });
      const rows = await sql<{ id: string; priority: number; status: string; reason: string | null }>`
        select id, priority, status, reason from notifications where id = any(${[...requested, ...suppressed].map((n) => n.id)}::uuid[])`.execute(kysely);
      const byId = new Map(rows.rows.map((r) => [r.id, r]));
      expect(requested.map((n) => byId.get(n.id)?.priority)).to.deep.equal(ranks.map(([, rank]) => rank));
      expect(suppressed.map((n) => [byId.get(n.id)?.status, byId.get(n.id)?.reason])).to.deep.equal(reasons.map((r) => ['suppressed', r]));
      const { result: loaded } = await uow().execute((u) => u.notifications.getMany([...requested, ...suppressed].map((n) => n.id)));
      for (const n of [...requested, ...suppressed]) expect(loaded.get(n.id)?.snapshot()).to.deep.equal(n.snapshot());
    });

    it('find the retry of a failed notification, or null when it was never retried', async () => {
      const original = await failedNotification();
      expect((await uow().execute((u) => u.notifications.retryOf(original.id))).result).to.equal(null);
      const retry = NotificationRequest.retryOf(original, randomUUID(), at(5_000));
      await uow().execute((u) => u.notifications.add(retry));
      expect((await uow().execute((u) => u.notifications.retryOf(original.id))).result).to.equal(retry.id);
      expect((await uow().execute((u) => u.notifications.retryOf(retry.id))).result).to.equal(null);
    });

    it('refuse the second of two concurrent retries of one failed notification with ConcurrentModificationError', async () => {
      const original = await failedNotification();
      const [first, second] = [NotificationRequest.retryOf(original, randomUUID(), at(5_000)), NotificationRequest.retryOf(original, randomUUID(), at(5_001))];
      let inserted = () => undefined as void;
      const firstInserted = new Promise<void>((resolve) => (inserted = resolve));
      let commit = () => undefined as void;
      const mayCommit = new Promise<void>((resolve) => (commit = resolve));

      const firstWork = uow().execute(async (u) => {
        await u.notifications.add(first);
        inserted();
        await mayCommit;
      });
      await firstInserted;
      const secondWork = uow().execute((u) => u.notifications.add(second));
      // The second insert waits on the unique index entry the first one holds.
      await eventually(
        async () =>
          (await sql<{ n: number }>`select count(*)::int as n from pg_locks l join pg_stat_activity a using (pid)
                                    where not l.granted and a.datname = current_database()`.execute(kysely)).rows[0]!.n > 0,
        5_000,
        'the second retry to wait for the first',
      );
      commit();
      const [firstOutcome, secondOutcome] = await Promise.allSettled([firstWork, secondWork]);

      expect(firstOutcome.status).to.equal('fulfilled');
      expect(secondOutcome.status).to.equal('rejected');
      expect((secondOutcome as PromiseRejectedResult).reason).to.be.instanceOf(ConcurrentModificationError);
      expect((await uow().execute((u) => u.notifications.retryOf(original.id))).result).to.equal(first.id);
      const stored = await sql<{ id: string }>`select id from notifications where retry_of = ${original.id}`.execute(kysely);
      expect(stored.rows.map((r) => r.id)).to.deep.equal([first.id]);
    });

    it('store a provider_down attempt, shown in attempt_history, that uses no attempt', async () => {
      const n = NotificationRequest.request(aNewNotification({ id: randomUUID() }), NOW);
      await uow().execute((u) => u.notifications.add(n));
      const { result: deferred } = await record(n.id, providerDown(), 1_000, 15);
      expect(deferred).to.deep.include({ status: 'pending', deferrals: 1, nextAttemptAt: at(2_000) });
      const { result: afterTransient } = await record(n.id, transient('450 busy'), 3_000, 20);
      // deferrals counts provider-down answers in a row: an answer from the provider ends the run.
      expect(afterTransient).to.deep.include({ status: 'retrying', deferrals: 0 });

      const ledger = await sql<{ number: number; outcome: string; response: string | null; error: string | null; latency_ms: number }>`
        select number, outcome, response, error, latency_ms from notification_attempts where notification_id = ${n.id} order by number`.execute(kysely);
      expect(ledger.rows).to.deep.equal([
        { number: 1, outcome: 'provider_down', response: '421 service not available', error: '421 service not available', latency_ms: 15 },
        { number: 2, outcome: 'transient_failure', response: '450 busy', error: '450 busy', latency_ms: 20 },
      ]);
      const { rows } = await sql<{ history: Array<{ number: number; outcome: string; attempted_at: string }> }>`select attempt_history as history from notifications where id = ${n.id}`.execute(kysely);
      expect(rows[0]?.history.map((h) => [h.number, h.outcome, Date.parse(h.attempted_at)])).to.deep.equal([
        [1, 'provider_down', at(1_000).getTime()],
        [2, 'transient_failure', at(3_000).getTime()],
      ]);
      const loaded = (await uow().execute((u) => u.notifications.get(n.id))).result!.snapshot();
      expect(loaded.attempts.map((a) => [a.number, a.outcome])).to.deep.equal([[1, 'provider_down'], [2, 'transient_failure']]);
      // The transient failure was the first counted attempt: retried after 1 × 10 s.
      expect(loaded.nextAttemptAt).to.deep.equal(at(13_000));
    });
  });

  describe('api keys', () => {
    it('are found by hash while live and not after revocation', async () => {
      const lookup = new KyselyApiKeyLookup(kysely);
      const id = randomUUID();
      await uow().execute((u) => u.apiKeys.add({ id, name: 'ci', keyHash: 'hash-1', scopes: ['preferences:read', 'admin'], createdAt: NOW }));
      expect(await lookup.keyOf('hash-1')).to.deep.equal({ id, scopes: ['preferences:read', 'admin'] });
      expect((await uow().execute((u) => u.apiKeys.revoke(id, NOW))).result).to.equal(true);
      expect(await lookup.keyOf('hash-1')).to.equal(null);
      expect((await uow().execute((u) => u.apiKeys.revoke(id, NOW))).result).to.equal(false);
    });

    it('tell which of many ids are live, in one query', async () => {
      const lookup = new KyselyApiKeyLookup(kysely);
      const [live, revoked, unknown] = [randomUUID(), randomUUID(), randomUUID()];
      for (const [id, hash] of [[live, 'hash-live'], [revoked, 'hash-revoked']] as const) {
        await uow().execute((u) => u.apiKeys.add({ id, name: hash, keyHash: hash, scopes: ['notifications:read'], createdAt: NOW }));
      }
      await uow().execute((u) => u.apiKeys.revoke(revoked, NOW));
      expect([...(await lookup.liveIds([live, revoked, unknown]))]).to.deep.equal([live]);
      expect([...(await lookup.liveIds([]))]).to.deep.equal([]);
    });
  });
});
