import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Kysely, PostgresDialect, type CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { KyselyRetentionStore } from '../../../src/adapters/postgres/retention.store.js';
import type { RetainedTable } from '../../../src/application/ports/retention-store.js';
import { type NewNotification, NotificationRequest } from '../../../src/domain/notification-request.js';
import { TestDatabase } from '../../support/databases.js';
import { testStamping } from '../../support/test-container.js';
import { aNewNotification, permanent } from '../../unit/mothers.js';
import { recordOutcome } from './notifications.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dayAgo = () => new Date(Date.now() - DAY);

describe('KyselyRetentionStore', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let store: KyselyRetentionStore;
  const uow = () => new KyselyUnitOfWork(kysely, testStamping());

  /** Moves a row's age column `hoursAgo` into the past. */
  const age = (table: RetainedTable, column: string, key: string, id: string, hoursAgo: number) =>
    sql`update ${sql.table(table)} set ${sql.ref(column)} = now() - make_interval(hours => ${hoursAgo}) where ${sql.ref(key)} = ${id}`.execute(kysely);

  async function inbox(hoursAgo: number): Promise<string> {
    const eventId = randomUUID();
    await kysely.insertInto('inbox').values({ event_id: eventId, payload_hash: 'h', event_type: 'user.created', received_at: new Date() }).execute();
    await age('inbox', 'received_at', 'event_id', eventId, hoursAgo);
    return eventId;
  }

  async function idempotencyKey(hoursAgo: number): Promise<string> {
    const key = `key-${randomUUID()}`;
    await kysely.insertInto('idempotency_keys').values({ key, request_hash: 'h', status: 202, response: '{}', created_at: new Date() }).execute();
    await age('idempotency_keys', 'created_at', 'key', key, hoursAgo);
    return key;
  }

  /** An outbox row created `createdHoursAgo`, published `publishedHoursAgo` (null: not yet). */
  async function outbox(createdHoursAgo: number, publishedHoursAgo: number | null): Promise<string> {
    const id = randomUUID();
    await kysely
      .insertInto('outbox')
      .values({ id, event_type: 'NotificationSent', routing_key: 'notification.sent', correlation_id: null, payload: '{}', created_at: new Date(), published_at: null, next_attempt_at: null, last_error: null })
      .execute();
    await age('outbox', 'created_at', 'id', id, createdHoursAgo);
    if (publishedHoursAgo !== null) await age('outbox', 'published_at', 'id', id, publishedHoursAgo);
    return id;
  }

  /** A stored notification in `status`, last changed `hoursAgo`, with `attempts` attempts in the ledger. */
  async function notification(status: string, hoursAgo: number, attempts = 0, overrides: Partial<NewNotification> = {}): Promise<string> {
    const n = NotificationRequest.request(aNewNotification({ id: randomUUID(), ...overrides }), new Date());
    await uow().execute((u) => u.notifications.add(n));
    for (let i = 1; i <= attempts; i++) {
      await sql`insert into notification_attempts (notification_id, number, attempted_at, outcome, response, error, latency_ms)
                values (${n.id}, ${i}, now(), 'transient_failure', '450 busy', 'busy', 5)`.execute(kysely);
    }
    await kysely.updateTable('notifications').set({ status, next_attempt_at: null }).where('id', '=', n.id).execute();
    await age('notifications', 'updated_at', 'id', n.id, hoursAgo);
    return n.id;
  }

  async function keys(table: RetainedTable): Promise<string[]> {
    const column = { inbox: 'event_id', idempotency_keys: 'key', outbox: 'id', notifications: 'id', feed_items: 'notification_id', ws_tickets: 'hash', audit_log: 'id', analytics_counts: 'at', analytics_delivery_times: 'at', dead_letters: 'id' }[table];
    const { rows } = await sql<{ k: string }>`select ${sql.ref(column)}::text as k from ${sql.table(table)} order by 1`.execute(kysely);
    return rows.map((r) => r.k);
  }

  async function count(query: string): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.raw(query)}`.execute(kysely);
    return rows[0]!.n;
  }

  before(async () => {
    db = await TestDatabase.create('it_retention');
    kysely = db.kysely('retention');
    store = new KyselyRetentionStore(kysely);
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });
  beforeEach(async () => {
    await sql`truncate notifications, notification_attempts, inbox, idempotency_keys, outbox`.execute(kysely);
  });

  describe('prune', () => {
    it('deletes inbox rows received before the age and keeps younger ones', async () => {
      await inbox(25);
      await inbox(24 * 30);
      const young = await inbox(23);
      expect(await store.prune('inbox', dayAgo(), 100)).to.equal(2);
      expect(await keys('inbox')).to.deep.equal([young]);
      expect(await store.prune('inbox', dayAgo(), 100)).to.equal(0);
    });

    it('deletes idempotency keys created before the age and keeps younger ones', async () => {
      await idempotencyKey(48);
      const young = await idempotencyKey(1);
      expect(await store.prune('idempotency_keys', dayAgo(), 100)).to.equal(1);
      expect(await keys('idempotency_keys')).to.deep.equal([young]);
    });

    it('deletes only published outbox rows, by the time they were published', async () => {
      await outbox(72, 48);
      const publishedRecently = await outbox(72, 2);
      const unpublished = await outbox(24 * 30, null);
      expect(await store.prune('outbox', dayAgo(), 100)).to.equal(1);
      expect(await keys('outbox')).to.deep.equal([publishedRecently, unpublished].sort());
    });

    it('deletes final notifications by the time they last changed, with their attempts; never an unfinished one however old', async () => {
      const gone = [await notification('sent', 48, 1), await notification('failed', 48, 3), await notification('suppressed', 48)];
      const youngFinal = [await notification('sent', 23, 1), await notification('failed', 1, 2)];
      const unfinished = [
        await notification('pending', 24 * 365),
        await notification('sending', 24 * 365, 1),
        await notification('retrying', 24 * 365, 2),
      ];

      expect(await store.prune('notifications', dayAgo(), 100)).to.equal(3);

      const kept = [...youngFinal, ...unfinished].sort();
      expect(await keys('notifications')).to.deep.equal(kept);
      const { rows } = await sql<{ id: string; n: number }>`
        select notification_id::text as id, count(*)::int as n from notification_attempts group by 1 order by 1`.execute(kysely);
      expect(rows.map((r) => r.id)).to.deep.equal([youngFinal[0], youngFinal[1], unfinished[1], unfinished[2]].sort());
      expect(await count(`notification_attempts where notification_id in (${gone.map((id) => `'${id}'`).join(', ')})`)).to.equal(0);
      expect(await store.prune('notifications', dayAgo(), 100)).to.equal(0);
    });

    it("sets a retry's retry_of to null when its original is deleted", async () => {
      const original = await notification('pending', 0, 0, { type: 'welcome' });
      const failed = await recordOutcome(kysely, original, permanent(), new Date());
      const retry = NotificationRequest.retryOf(failed, randomUUID(), new Date());
      await uow().execute((u) => u.notifications.add(retry));
      await age('notifications', 'updated_at', 'id', original, 48);

      expect(await store.prune('notifications', dayAgo(), 100)).to.equal(1);

      const { rows } = await sql<{ id: string; status: string; retry_of: string | null }>`select id::text, status, retry_of from notifications`.execute(kysely);
      expect(rows).to.deep.equal([{ id: retry.id, status: 'pending', retry_of: null }]);
      const { result: loaded } = await uow().execute((u) => u.notifications.get(retry.id));
      expect(loaded?.snapshot().retryOf).to.equal(null);
    });

    it('deletes feed items created before the age, read or not, and keeps younger ones', async () => {
      const item = async (hoursAgo: number) => {
        const id = randomUUID();
        await kysely.insertInto('feed_items').values({ notification_id: id, user_id: 'u-1', type: 't', title: 't', body: 'b', action_url: null, data: '{}', seen_at: null, read_at: null, archived_at: null }).execute();
        await age('feed_items', 'created_at', 'notification_id', id, hoursAgo);
        return id;
      };
      await item(48);
      const young = await item(1);
      expect(await store.prune('feed_items', dayAgo(), 100)).to.equal(1);
      expect(await keys('feed_items')).to.deep.equal([young]);
    });

    it('deletes stream tickets once expired, and keeps live ones', async () => {
      const ticket = async (hash: string, secondsFromNow: number) =>
        kysely.insertInto('ws_tickets').values({ hash, expires_at: new Date(Date.now() + secondsFromNow * 1000) }).execute();
      await ticket('expired', -5);
      await ticket('live', 25);
      expect(await store.prune('ws_tickets', new Date(), 100)).to.equal(1);
      expect(await keys('ws_tickets')).to.deep.equal(['live']);
    });

    it('deletes audit entries older than the age, oldest first, and keeps younger ones', async () => {
      const entry = (daysAgo: number) => ({ at: new Date(Date.now() - daysAgo * 86_400_000), key_id: 'k', action: 'api_key.created', target_type: 'api_key', target_id: 'a', detail: null });
      const ids = await kysely.insertInto('audit_log').values([entry(400), entry(366), entry(364), entry(1)]).returning('id').execute();
      const yearAgo = new Date(Date.now() - 365 * 86_400_000);
      expect(await store.prune('audit_log', yearAgo, 1)).to.equal(1);
      expect(await keys('audit_log')).to.deep.equal(ids.slice(1).map((r) => String(r.id)).sort());
      expect(await store.prune('audit_log', yearAgo, 100)).to.equal(1);
      expect(await keys('audit_log')).to.deep.equal(ids.slice(2).map((r) => String(r.id)).sort());
    });

    it('deletes at most the batch size, oldest first', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 25; i++) ids.push(await inbox(48 + 25 - i));
      const young = await inbox(1);
      const oldestFirst = [...ids];

      expect(await store.prune('inbox', dayAgo(), 10)).to.equal(10);
      expect(await keys('inbox')).to.deep.equal([...oldestFirst.slice(10), young].sort());
      expect(await store.prune('inbox', dayAgo(), 10)).to.equal(10);
      expect(await store.prune('inbox', dayAgo(), 10)).to.equal(5);
      expect(await store.prune('inbox', dayAgo(), 10)).to.equal(0);
      expect(await keys('inbox')).to.deep.equal([young]);
    });

    it('deletes at most the batch size of notifications, and their attempts with them', async () => {
      await sql`insert into notifications (id, type, channel, recipient, status, created_at, updated_at)
                select gen_random_uuid(), 'welcome', 'email', 'b@example.com', 'sent', now() - interval '3 days', now() - interval '2 days'
                from generate_series(1, 12)`.execute(kysely);
      await sql`insert into notification_attempts (notification_id, number, attempted_at, outcome, response, error, latency_ms)
                select id, 1, now(), 'accepted', '250 ok', null, 1 from notifications`.execute(kysely);
      expect(await store.prune('notifications', dayAgo(), 5)).to.equal(5);
      expect(await count('notifications')).to.equal(7);
      expect(await count('notification_attempts')).to.equal(7);
    });

    it('splits the rows between concurrent prunes: each row deleted once, no error, the total is the eligible count', async () => {
      const ELIGIBLE = 400;
      await sql`insert into notifications (id, type, channel, recipient, status, created_at, updated_at)
                select gen_random_uuid(), 'welcome', 'email', 'c@example.com', (array['sent', 'failed', 'suppressed'])[1 + i % 3],
                       now() - interval '90 days', now() - make_interval(hours => 48 + i)
                from generate_series(1, ${ELIGIBLE}) as i`.execute(kysely);
      await sql`insert into notification_attempts (notification_id, number, attempted_at, outcome, response, error, latency_ms)
                select id, 1, now(), 'accepted', '250 ok', null, 1 from notifications`.execute(kysely);
      const unfinished = [await notification('pending', 24 * 90), await notification('retrying', 24 * 90, 1)];
      await sql`insert into inbox (event_id, payload_hash, event_type, received_at)
                select 'e-' || i, 'h', 't', now() - make_interval(hours => 48 + i) from generate_series(1, ${ELIGIBLE}) as i`.execute(kysely);

      const pools = Array.from({ length: 4 }, (_, i) => db.kysely(`pruner-${i}`));
      const drain = async (pruner: KyselyRetentionStore, table: RetainedTable) => {
        let total = 0;
        for (;;) {
          const done = await pruner.prune(table, dayAgo(), 15);
          total += done;
          if (done === 0) return total;
        }
      };
      let totals: number[];
      try {
        totals = await Promise.all(pools.flatMap((pool) => [drain(new KyselyRetentionStore(pool), 'notifications'), drain(new KyselyRetentionStore(pool), 'inbox')]));
      } finally {
        await Promise.all(pools.map((pool) => pool.destroy()));
      }

      const byTable = (table: number) => totals.filter((_, i) => i % 2 === table).reduce((a, b) => a + b, 0);
      expect(byTable(0)).to.equal(ELIGIBLE);
      expect(byTable(1)).to.equal(ELIGIBLE);
      expect(await keys('notifications')).to.deep.equal([...unfinished].sort());
      expect(await count('notification_attempts')).to.equal(1);
      expect(await count('inbox')).to.equal(0);
    });
  });

  describe('query plans', () => {
    /** The statements the store sends, captured from a Kysely of its own on the same database. */
    async function statementsOf(work: (s: KyselyRetentionStore) => Promise<unknown>): Promise<CompiledQuery[]> {
      const captured: CompiledQuery[] = [];
      const pool = new pg.Pool({ connectionString: db.url, max: 1 });
      const logging = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (event) => void (event.level === 'query' && captured.push(event.query)) });
      try {
        await work(new KyselyRetentionStore(logging));
      } finally {
        await logging.destroy();
      }
      return captured;
    }

    /** The indexes the plan of `query` scans, with sequential scans disabled so that any usable index shows. */
    async function indexesUsed(query: CompiledQuery): Promise<string[]> {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query('begin');
        await client.query('set local enable_seqscan = off');
        const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${query.sql}`, [...query.parameters]);
        await client.query('rollback');
        const found = new Set<string>();
        const walk = (node: unknown): void => {
          if (Array.isArray(node)) return node.forEach(walk);
          if (node && typeof node === 'object') {
            const name = (node as Record<string, unknown>)['Index Name'];
            if (typeof name === 'string') found.add(name);
            Object.values(node).forEach(walk);
          }
        };
        walk(rows[0]?.['QUERY PLAN']);
        return [...found];
      } finally {
        await client.end();
      }
    }

    const expected: Record<RetainedTable, string> = {
      inbox: 'inbox_received',
      idempotency_keys: 'idempotency_keys_created',
      outbox: 'outbox_published',
      notifications: 'notifications_final',
      feed_items: 'feed_items_age',
      ws_tickets: 'ws_tickets_expiry',
      dead_letters: 'dead_letters_created',
      audit_log: 'audit_log_at',
      analytics_counts: 'analytics_counts_pkey',
      analytics_delivery_times: 'analytics_delivery_times_pkey',
    };

    for (const [table, index] of Object.entries(expected) as Array<[RetainedTable, string]>) {
      it(`finds the ${table} rows to prune through ${index}`, async () => {
        const [statement] = await statementsOf((s) => s.prune(table, dayAgo(), 100));
        expect(await indexesUsed(statement!)).to.include(index);
      });
    }

  });
});
