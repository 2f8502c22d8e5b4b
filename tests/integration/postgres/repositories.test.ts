import { expect } from 'chai';
import type { Kysely } from 'kysely';
import { KyselyApiKeyLookup } from '../../../src/adapters/postgres/api-key.repository.js';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { ConcurrentModificationError, PreferencesAlreadyExistError } from '../../../src/domain/errors.js';
import { EmailAddress } from '../../../src/domain/email-address.js';
import { NotificationPreferences, preferenceFlags } from '../../../src/domain/notification-preferences.js';
import { NotificationRequest } from '../../../src/domain/notification-request.js';
import { UserId } from '../../../src/domain/user-id.js';
import { testStamping } from '../../support/test-container.js';
import { TestDatabase } from '../../support/databases.js';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { rejection } from '../../unit/rejection.js';

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
    it('store a notification and append only new attempts on save', async () => {
      const id = randomUUID();
      const fields = {
        id,
        userId: 'user-repo-2',
        type: 'welcome' as const,
        channel: 'email' as const,
        recipient: 'c@example.com',
        content: { subject: 'Hi', body: null, templateVars: { username: 'c' } },
        correlationId: 'corr-1',
        sourceEventId: null,
      };
      await uow().execute((u) => u.notifications.add(NotificationRequest.request(fields, NOW)));
      const lease = new Date(NOW.getTime() + 60_000);
      await uow().execute(async (u) => {
        const n = (await u.notifications.get(id))!;
        n.claim(NOW, lease, randomUUID());
        n.recordTransientFailure(
          { attemptedAt: NOW, outcome: 'transient_failure', response: '450 busy', error: 'busy', latencyMs: 12 },
          new Date(NOW.getTime() + 2_000),
        );
        await u.notifications.save(n);
      });
      const { events } = await uow().execute(async (u) => {
        const n = (await u.notifications.get(id))!;
        n.claim(new Date(NOW.getTime() + 2_000), lease, randomUUID());
        n.recordAccepted({ attemptedAt: new Date(NOW.getTime() + 2_100), outcome: 'accepted', response: '250 ok', error: null, latencyMs: 8 });
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
    });

    it('load several at once with their attempts (unknown ids left out) and save each with its new attempts', async () => {
      const request = (n: number) =>
        NotificationRequest.request(
          { id: randomUUID(), userId: `user-many-${n}`, type: 'welcome', channel: 'email', recipient: `m${n}@example.com`, content: { subject: null, body: null, templateVars: {} }, correlationId: null, sourceEventId: null },
          NOW,
        );
      const [a, b] = [request(1), request(2)];
      await uow().execute(async (u) => {
        await u.notifications.add(a);
        await u.notifications.add(b);
      });
      const lease = new Date(NOW.getTime() + 60_000);
      const missing = randomUUID();
      const { result: loadedIds } = await uow().execute(async (u) => {
        const loaded = await u.notifications.getMany([b.id, missing, a.id]);
        for (const n of loaded.values()) {
          n.claim(NOW, lease, randomUUID());
          n.recordAccepted({ attemptedAt: NOW, outcome: 'accepted', response: '250 ok', error: null, latencyMs: 5 });
          await u.notifications.save(n);
        }
        return [...loaded.keys()].sort();
      });
      expect(loadedIds).to.deep.equal([a.id, b.id].sort());
      const { result: reloaded } = await uow().execute((u) => u.notifications.getMany([a.id, b.id]));
      expect([a.id, b.id].map((id) => reloaded.get(id)?.snapshot().attempts.map((t) => [t.number, t.outcome]))).to.deep.equal([
        [[1, 'accepted']],
        [[1, 'accepted']],
      ]);
      expect([a.id, b.id].map((id) => reloaded.get(id)?.status)).to.deep.equal(['sent', 'sent']);
    });

    it('keep the attempt history equal to the ledger, whoever inserts the attempt', async () => {
      const id = randomUUID();
      const fields = { id, userId: 'user-ledger', type: 'welcome' as const, channel: 'email' as const, recipient: 'l@example.com', content: { subject: null, body: null, templateVars: {} }, correlationId: null, sourceEventId: null };
      await uow().execute((u) => u.notifications.add(NotificationRequest.request(fields, NOW)));
      await uow().execute(async (u) => {
        const n = (await u.notifications.get(id))!;
        n.claim(NOW, new Date(NOW.getTime() + 60_000), randomUUID());
        n.recordTransientFailure({ attemptedAt: new Date(NOW.getTime() + 7), outcome: 'transient_failure', response: '451 later', error: 'later', latencyMs: 30 }, new Date(NOW.getTime() + 2_000));
        await u.notifications.save(n);
      });
      // An attempt written by something other than this repository (an older version, a repair).
      await sql`insert into notification_attempts (notification_id, number, attempted_at, outcome, response, error, latency_ms)
                values (${id}, 2, ${new Date(NOW.getTime() + 2_500)}, 'accepted', '250 by hand', null, 4)`.execute(kysely);
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
  });

  describe('api keys', () => {
    it('are found by hash while live and not after revocation', async () => {
      const lookup = new KyselyApiKeyLookup(kysely);
      const id = randomUUID();
      await uow().execute((u) => u.apiKeys.add({ id, name: 'ci', keyHash: 'hash-1', scopes: ['preferences:read', 'admin'], createdAt: NOW }));
      expect(await lookup.scopesOf('hash-1')).to.deep.equal(['preferences:read', 'admin']);
      expect((await uow().execute((u) => u.apiKeys.revoke(id, NOW))).result).to.equal(true);
      expect(await lookup.scopesOf('hash-1')).to.equal(null);
      expect((await uow().execute((u) => u.apiKeys.revoke(id, NOW))).result).to.equal(false);
    });
  });
});
