import { expect } from 'chai';
import { type CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { NotificationFilter } from '../../../src/application/ports/notification-search.js';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyNotificationSearchReadModel } from '../../../src/adapters/postgres/notification-search.read-model.js';
import { ReadRouter } from '../../../src/adapters/postgres/read-router.js';
import { TestDatabase } from '../../support/databases.js';

const ANY: NotificationFilter = { userId: null, recipient: null, status: null, type: null, channel: null, orderId: null, createdFrom: null, createdTo: null };
const ROWS = 50_000;
const RARE_TYPE = 'refund_issued';
const TYPES = ['welcome', 'security_alert', 'order_confirmation', 'order_status_update', 'password_reset', 'email_verification'];
const DAY = (n: number) => new Date(Date.UTC(2026, 10, 1) + n * 86_400_000);

/**
 * 50,000 notifications: 500 users, 1,000 recipients, statuses from common (sent, 85 %) to absent
 * (sending), channels from common (email) to absent (in_app), order ids on the order types, two
 * notifications per minute over 35 days (pairs share a created_at: the id breaks the tie).
 */
async function seed(db: Kysely<Database>): Promise<void> {
  for (const key of TYPES) {
    await sql`insert into templates (key, built_in, live_version, latest_version, created_at, updated_at) values (${key}, true, 1, 1, now(), now())`.execute(db);
  }
  await sql`insert into notifications (id, user_id, type, channel, recipient, status, priority, order_id, created_at, updated_at)
    select gen_random_uuid(), 'u-' || (g % 500), (${sql.val(TYPES)}::text[])[1 + g % 6],
           case when g % 50 = 0 then 'sms' when g % 50 = 1 then 'push' when g % 200 = 2 then 'webhook' else 'email' end,
           'r-' || (g % 1000) || '@example.com',
           case when g % 100 < 85 then 'sent' when g % 100 < 92 then 'suppressed' when g % 100 < 96 then 'failed'
                when g % 100 < 98 then 'pending' when g % 100 < 99 then 'retrying' else 'scheduled' end,
           2, case when g % 6 in (2, 3) then 'ord-' || (g % 2000) end,
           timestamptz '2026-11-01T00:00:00Z' + (g / 2) * interval '1 minute', now()
    from generate_series(1, ${ROWS}) g`.execute(db);
  // A template with few rows (30, two thirds sent, most of them webhooks): a rare type among common statuses.
  await sql`insert into templates (key, built_in, live_version, latest_version, created_at, updated_at) values (${RARE_TYPE}, false, 1, 1, now(), now())`.execute(db);
  await sql`insert into notifications (id, user_id, type, channel, recipient, status, priority, created_at, updated_at)
    select gen_random_uuid(), 'u-' || g, ${RARE_TYPE}, case when g % 3 = 0 then 'email' else 'webhook' end, 'https://hooks.example.com/' || g,
           case when g % 3 = 2 then 'failed' else 'sent' end, 2, timestamptz '2026-11-01T00:00:00Z' + g * interval '1 day', now()
    from generate_series(1, 30) g`.execute(db);
  await sql`insert into outbox (id, event_type, routing_key, payload, created_at, published_at)
    select gen_random_uuid(), 'NotificationSent', 'notification.sent', jsonb_build_object('notification_id', id, 'event_type', 'notification.sent'), created_at, created_at
    from notifications where status = 'sent'`.execute(db);
  await sql`analyze`.execute(db);
}

/**
 * Vacuums until the visibility map covers the table, as autovacuum leaves it: a vacuum right after
 * the inserts may not, since the standby's feedback (hot_standby_feedback, every 10 s) can still
 * hold back the horizon past them.
 */
async function vacuumUntilAllVisible(db: Kysely<Database>): Promise<void> {
  for (let tries = 0; tries < 30; tries++) {
    await sql`vacuum notifications`.execute(db);
    const { rows } = await sql<{ visible: number; pages: number }>`select relallvisible as visible, relpages as pages from pg_class where relname = 'notifications'`.execute(db);
    const [{ visible, pages } = { visible: 0, pages: 1 }] = rows;
    if (visible >= pages) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error('notifications never became all-visible');
}

/** The rows a filter matches, newest first, by the plainest query there is. */
async function truth(db: Kysely<Database>, f: NotificationFilter): Promise<string[]> {
  let q = db.selectFrom('notifications').select('id');
  const equal = [['user_id', f.userId], ['recipient', f.recipient], ['status', f.status], ['channel', f.channel], ['type', f.type], ['order_id', f.orderId]] as const;
  for (const [column, value] of equal) if (value !== null) q = q.where(column, '=', value);
  if (f.createdFrom) q = q.where('created_at', '>=', f.createdFrom);
  if (f.createdTo) q = q.where('created_at', '<', f.createdTo);
  return (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute()).map((r) => r.id);
}

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Index Name'?: string;
  readonly 'Relation Name'?: string;
  readonly 'Actual Rows'?: number;
  readonly 'Actual Loops'?: number;
  readonly 'Rows Removed by Filter'?: number;
  readonly 'Heap Fetches'?: number;
  readonly Plans?: readonly PlanNode[];
}
const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

describe('KyselyNotificationSearchReadModel (50,000 notifications)', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let logged: Kysely<Database>;
  let search: KyselyNotificationSearchReadModel;
  const compiled: CompiledQuery[] = [];

  before(async () => {
    db = await TestDatabase.create('it_search');
    kysely = db.kysely();
    await seed(kysely);
    // The read model on a connection that remembers each statement, to EXPLAIN exactly what it runs.
    logged = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: db.url, max: 2 }) }), log: (event) => void compiled.push(event.query) });
    const metrics = { fellBack: () => undefined, replicationLag: () => undefined };
    search = new KyselyNotificationSearchReadModel(new ReadRouter(logged, null, { maxLagSeconds: 5, checkIntervalMs: 1000 }, metrics));
  });
  after(async () => {
    await logged.destroy();
    await kysely.destroy();
    await db.drop();
  });

  const FILTERS: ReadonlyArray<[string, Partial<NotificationFilter>]> = [
    ['no filter', {}],
    ['userid', { userId: 'u-7' }],
    ['recipient', { recipient: 'r-7@example.com' }],
    ['status (common)', { status: 'sent' }],
    ['status (rare)', { status: 'scheduled' }],
    ['status (none)', { status: 'sending' }],
    ['type', { type: 'password_reset' }],
    ['channel (common)', { channel: 'email' }],
    ['channel (rare)', { channel: 'webhook' }],
    ['channel (none)', { channel: 'in_app' }],
    ['channel and type', { channel: 'sms', type: 'welcome' }],
    ['order_id', { orderId: 'ord-8' }],
    ['created range', { createdFrom: DAY(3), createdTo: DAY(4) }],
    ['userid and status', { userId: 'u-7', status: 'sent' }],
    ['userid and dates', { userId: 'u-7', createdFrom: DAY(2), createdTo: DAY(20) }],
    ['recipient and status', { recipient: 'r-7@example.com', status: 'sent' }],
    ['recipient and dates', { recipient: 'r-7@example.com', createdFrom: DAY(2), createdTo: DAY(20) }],
    ['order_id and status', { orderId: 'ord-8', status: 'sent' }],
    ['order_id and dates', { orderId: 'ord-8', createdFrom: DAY(0), createdTo: DAY(30) }],
    ['status and dates', { status: 'failed', createdFrom: DAY(3), createdTo: DAY(4) }],
  ];

  for (const [name, fields] of FILTERS) {
    it(`answers the first page of "${name}" newest first, as the plain query does`, async () => {
      const filter = { ...ANY, ...fields };
      const expected = (await truth(kysely, filter)).slice(0, 20);
      const page = await search.search(filter, { limit: 20, offset: 0, cursor: null });
      expect(page.notifications.map((n) => n.id)).to.deep.equal(expected);
      expect(page.nextCursor === null).to.equal(expected.length < 20 || (await truth(kysely, filter)).length === 20);
    });
  }

  it('walks every row of a filter by cursor, without repeats or gaps, across shared timestamps', async () => {
    const filter = { ...ANY, userId: 'u-42' };
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await search.search(filter, { limit: 30, offset: 0, cursor });
      seen.push(...page.notifications.map((n) => n.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).to.deep.equal(await truth(kysely, filter));
    expect(seen).to.have.lengthOf(100);
  });

  it('answers numbered pages through one walk and through a merged walk (a status alone) as the plain query does', async () => {
    for (const fields of [{ channel: 'sms' }, { channel: 'sms', status: 'sent' }, { status: 'failed' }, {}] as const) {
      const filter = { ...ANY, ...fields };
      const all = await truth(kysely, filter);
      for (const page of [1, 2, 5, 40]) {
        const found = await search.search(filter, { limit: 25, offset: (page - 1) * 25, cursor: null });
        expect(found.notifications.map((n) => n.id), `${JSON.stringify(fields)} page ${page}`).to.deep.equal(all.slice((page - 1) * 25, page * 25));
      }
    }
  });

  it('follows a cursor through a merged walk (a type alone)', async () => {
    const filter = { ...ANY, type: 'welcome' };
    const first = await search.search(filter, { limit: 10, offset: 0, cursor: null });
    const second = await search.search(filter, { limit: 10, offset: 0, cursor: first.nextCursor });
    expect([...first.notifications, ...second.notifications].map((n) => n.id)).to.deep.equal((await truth(kysely, filter)).slice(0, 20));
  });

  it('answers a notification with its order, the events naming it, its retry and its fallbacks', async () => {
    const [{ id }] = (await sql<{ id: string }>`select id from notifications where status = 'sent' and order_id is not null limit 1`.execute(kysely)).rows as [{ id: string }];
    const retry = '00000000-0000-4000-8000-000000000001';
    const fallback = '00000000-0000-4000-8000-000000000002';
    await sql`insert into notifications (id, type, channel, recipient, status, priority, retry_of, created_at, updated_at) values (${retry}::uuid, 'welcome', 'email', 'x@example.com', 'pending', 2, ${id}::uuid, now(), now())`.execute(kysely);
    await sql`insert into notifications (id, type, channel, recipient, status, priority, fallback_of, created_at, updated_at) values (${fallback}::uuid, 'welcome', 'sms', '+15005550006', 'pending', 2, ${id}::uuid, now(), now())`.execute(kysely);
    const record = await search.record(id);
    expect(record?.snapshot.orderId).to.match(/^ord-\d+$/);
    expect(record?.events.map((e) => [e.eventType, e.routingKey, e.publishedAt instanceof Date])).to.deep.equal([['NotificationSent', 'notification.sent', true]]);
    expect([record?.retriedBy, record?.fallbacks]).to.deep.equal([retry, [fallback]]);
    expect(await search.record('not-a-uuid')).to.equal(null);
    expect(await search.record('00000000-0000-4000-8000-00000000ffff')).to.equal(null);
  });

  it('answers a channel with a status in one walk, whatever the templates (none to read on a fresh standby)', async () => {
    const keys = (await sql<{ key: string }>`delete from templates returning key`.execute(kysely)).rows.map((r) => r.key);
    try {
      const filter = { ...ANY, channel: 'sms', status: 'sent' } as const;
      compiled.length = 0;
      const page = await search.search(filter, { limit: 20, offset: 0, cursor: null });
      expect(page.notifications.map((n) => n.id)).to.deep.equal((await truth(kysely, filter)).slice(0, 20));
      expect((compiled.at(-1) as CompiledQuery).sql).not.to.include(' union all ');
    } finally {
      await sql`insert into templates (key, built_in, live_version, latest_version, created_at, updated_at) select k, true, 1, 1, now(), now() from unnest(${keys}::text[]) k`.execute(kysely);
    }
  });

  describe('plans (ANALYZEd table): every filter on an index, never a sequential scan', () => {
    // `sending` rows are few by nature: the planner rightly prefers the partial index of leases.
    const EXPECTED: Readonly<Record<string, string | readonly string[]>> = {
      'no filter': 'notifications_by_created',
      userid: 'notifications_user_history',
      recipient: 'notifications_by_recipient',
      // A status: one walk of notifications_by_status per channel, merged.
      'status (common)': 'notifications_by_status',
      'status (rare)': 'notifications_by_status',
      'status (none)': ['notifications_by_status', 'notifications_leased'],
      type: 'notifications_by_channel_type',
      // A channel alone: the walk by time dropping other channels, or the channel's entries sorted.
      'channel (common)': ['notifications_by_created', 'notifications_by_channel_type'],
      'channel (rare)': ['notifications_by_channel_type', 'notifications_by_created'],
      'channel (none)': ['notifications_by_channel_type', 'notifications_by_created'],
      'channel and type': 'notifications_by_channel_type',
      order_id: 'notifications_by_order',
      'created range': 'notifications_by_created',
      'userid and status': 'notifications_by_user_status',
      'userid and dates': 'notifications_user_history',
      'recipient and status': 'notifications_by_recipient',
      'recipient and dates': 'notifications_by_recipient',
      'order_id and status': 'notifications_by_order',
      'order_id and dates': 'notifications_by_order',
    };
    for (const [name, fields] of FILTERS) {
      const index = EXPECTED[name];
      if (!index) continue;
      it(`"${name}" reads ${String(index)}`, async () => {
        compiled.length = 0;
        await search.search({ ...ANY, ...fields }, { limit: 20, offset: 0, cursor: null });
        const statement = compiled.at(-1) as CompiledQuery;
        const { rows } = await kysely.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>({ ...statement, sql: `explain (analyze, format json) ${statement.sql}` });
        const all = nodes((rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan);
        expect(all.filter((n) => n['Node Type'] === 'Seq Scan'), 'sequential scans').to.have.lengthOf(0);
        const read = all.flatMap((n) => n['Index Name'] ?? []);
        expect([index].flat().some((one) => read.includes(one)), `${read.join(', ')} among ${String(index)}`).to.equal(true);
      });
    }

    // A status with a type or channel: the rows of notifications read (returned or filtered out by
    // a scan) stay near the page, whichever side is rare; walking every `sent` row read ~42,000.
    const COMBINED: ReadonlyArray<[string, Partial<NotificationFilter>]> = [
      ['common status, rare type', { status: 'sent', type: RARE_TYPE }],
      ['common status, rare channel', { status: 'sent', channel: 'webhook' }],
      ['common status, channel with no rows', { status: 'sent', channel: 'in_app' }],
      ['rare status, common type', { status: 'scheduled', type: 'welcome' }],
      ['rare status, common channel', { status: 'scheduled', channel: 'email' }],
      ['status with no rows, common type', { status: 'sending', type: 'welcome' }],
      ['common status and type, dates', { status: 'sent', type: 'welcome', createdFrom: DAY(3), createdTo: DAY(4) }],
    ];
    for (const [name, fields] of COMBINED) {
      it(`"${name}" reads at most 2,000 rows of 50,000, answering as the plain query does`, async () => {
        compiled.length = 0;
        const filter = { ...ANY, ...fields };
        const page = await search.search(filter, { limit: 20, offset: 0, cursor: null });
        expect(page.notifications.map((n) => n.id)).to.deep.equal((await truth(kysely, filter)).slice(0, 20));
        const statement = compiled.at(-1) as CompiledQuery;
        const { rows } = await kysely.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>({ ...statement, sql: `explain (analyze, format json) ${statement.sql}` });
        const all = nodes((rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan);
        expect(all.filter((n) => n['Node Type'] === 'Seq Scan'), 'sequential scans').to.have.lengthOf(0);
        const read = all
          .filter((n) => n['Relation Name'] === 'notifications')
          .reduce((sum, n) => sum + ((n['Actual Rows'] ?? 0) + (n['Rows Removed by Filter'] ?? 0)) * (n['Actual Loops'] ?? 1), 0);
        expect(read, 'rows of notifications read').to.be.below(2_000);
      });
    }

    it('reads a page (up to 2,000 deep) from index entries, and only the rows of the page from the table', async function () {
      this.timeout(60_000);
      await vacuumUntilAllVisible(kysely);
      const CASES: ReadonlyArray<[Partial<NotificationFilter>, number]> = [
        [{}, 2_000],
        [{ type: 'welcome' }, 2_000],
        [{ userId: 'u-7', status: 'sent' }, 40],
        // A status with a channel or a type: the other columns are in the entries (INCLUDE).
        [{ channel: 'push', status: 'failed' }, 0],
        [{ channel: 'email', status: 'scheduled' }, 100],
        [{ type: 'welcome', status: 'retrying' }, 0],
        [{ status: 'scheduled' }, 200],
      ];
      for (const [fields, offset] of CASES) {
        compiled.length = 0;
        const filter = { ...ANY, ...fields };
        const page = await search.search(filter, { limit: 20, offset, cursor: null });
        expect(page.notifications.map((n) => n.id), JSON.stringify(fields)).to.deep.equal((await truth(kysely, filter)).slice(offset, offset + 20));
        const statement = compiled.at(-1) as CompiledQuery;
        const { rows } = await kysely.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>({ ...statement, sql: `explain (analyze, format json) ${statement.sql}` });
        const all = nodes((rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan).filter((n) => n['Relation Name'] === 'notifications');
        const keys = all.filter((n) => n['Node Type'] === 'Index Only Scan');
        expect(keys.length, `${JSON.stringify(fields)}: index-only walks`).to.be.above(0);
        expect(keys.reduce((sum, n) => sum + (n['Heap Fetches'] ?? 0), 0), `${JSON.stringify(fields)}: heap fetches of the walks`).to.equal(0);
        const heap = all.filter((n) => n['Node Type'] !== 'Index Only Scan').reduce((sum, n) => sum + (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1), 0);
        expect(heap, `${JSON.stringify(fields)}: rows read from the table: ${JSON.stringify(all.map((n) => [n['Node Type'], n['Index Name'], n['Actual Rows'], n['Actual Loops']]))}`).to.be.at.most(21);
      }
    });

    it('finds the events of a notification through outbox_notification', async () => {
      compiled.length = 0;
      const [{ id }] = (await sql<{ id: string }>`select id from notifications where status = 'sent' limit 1`.execute(kysely)).rows as [{ id: string }];
      await search.record(id);
      const statement = compiled.at(-1) as CompiledQuery;
      const { rows } = await kysely.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>({ ...statement, sql: `explain (analyze, format json) ${statement.sql}` });
      const all = nodes((rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan);
      expect(all.filter((n) => n['Node Type'] === 'Seq Scan')).to.have.lengthOf(0);
      expect(all.flatMap((n) => n['Index Name'] ?? [])).to.include.members(['outbox_notification', 'notifications_retry_of', 'notifications_fallbacks']);
    });
  });
});
