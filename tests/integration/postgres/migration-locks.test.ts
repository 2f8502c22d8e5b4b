import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { migrateDownOne, migrateToLatest } from '../../../src/adapters/postgres/migrator.js';
import { NotificationRequest } from '../../../src/domain/notification-request.js';
import { migrations } from '../../../src/migrations/index.js';
import { TestDatabase } from '../../support/databases.js';
import { testStamping } from '../../support/test-container.js';
import { aNewNotification } from '../../unit/mothers.js';

const ROWS = 100_000;
/** The last migration before issue 14's that touch notifications. */
const AUDIT_LOG = '20261129T0900-audit-log';
/** The migration that builds issue 14's indexes concurrently. */
const INDEXES = '20261129T0945-operations-indexes';

/** Migrates down until `name` is the last one applied. */
async function downTo(kysely: Kysely<Database>, name: string): Promise<void> {
  const last = async () => (await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(kysely)).rows[0]?.name;
  while ((await last()) !== name) await migrateDownOne(kysely);
}

async function client(db: TestDatabase, statementTimeoutMs: number): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: db.url, statement_timeout: statementTimeoutMs });
  await c.connect();
  return c;
}

/** Back to the schema before issue 14's notification migrations, with ROWS notifications. */
async function loaded(kysely: Kysely<Database>): Promise<void> {
  await migrateToLatest(kysely);
  const id = randomUUID();
  await new KyselyUnitOfWork(kysely, testStamping()).execute((u) => u.notifications.add(NotificationRequest.request(aNewNotification({ id }), new Date())));
  await downTo(kysely, AUDIT_LOG);
  // One call per row in a lateral join (`(f(...)).*` would call it once per column).
  await sql`insert into notifications
    select r.* from notifications n, generate_series(1, ${ROWS - 1}) g,
      lateral jsonb_populate_record(null::notifications, to_jsonb(n) || jsonb_build_object('id', gen_random_uuid(), 'recipient', 'r' || g || '@example.com',
        'created_at', n.created_at - make_interval(secs => g), 'status', (array['sent', 'failed', 'pending'])[1 + g % 3])) r
    where n.id = ${id}`.execute(kysely);
  await sql`analyze notifications`.execute(kysely);
}

describe('migrations and locks', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  beforeEach(async () => {
    db = await TestDatabase.create('it_migration_locks', { migrate: false });
    kysely = db.kysely('migrate');
  });
  afterEach(async () => {
    await kysely.destroy();
    await db.drop();
  });

  it('builds the indexes on 100,000 notifications while reads go on: no exclusive lock on the table during a build, no read waits 2 s', async () => {
    await loaded(kysely);
    const reader = await client(db, 2_000);
    const watcher = await client(db, 2_000);
    let migrating = true;
    const timedOut: string[] = [];
    let reads = 0;
    let slowest = 0;
    const samples = { building: 0, lockedWhileBuilding: 0 };
    const reading = (async () => {
      while (migrating) {
        const started = Date.now();
        try {
          await reader.query("select id from notifications where status = 'sent' order by created_at desc limit 1");
          reads++;
        } catch (error) {
          timedOut.push(String(error));
        }
        slowest = Math.max(slowest, Date.now() - started);
      }
    })();
    const watching = (async () => {
      while (migrating) {
        const { rows } = await watcher.query<{ building: boolean; locked: boolean }>(`select
            exists(select 1 from pg_stat_progress_create_index p where p.relid = 'notifications'::regclass) as building,
            exists(select 1 from pg_locks l where l.database = (select oid from pg_database where datname = current_database())
              and l.relation = 'notifications'::regclass and l.mode = 'AccessExclusiveLock' and l.granted) as locked`);
        if (rows[0]?.building) samples.building++;
        if (rows[0]?.building && rows[0].locked) samples.lockedWhileBuilding++;
      }
    })();
    try {
      const results = await migrateToLatest(kysely);
      expect(results).to.have.length(Object.keys(migrations).filter((name) => name > AUDIT_LOG).length);
    } finally {
      migrating = false;
      await Promise.all([reading, watching]);
      await reader.end();
      await watcher.end();
    }
    expect(samples.building, 'index builds observed').to.be.greaterThan(0);
    expect(samples.lockedWhileBuilding, 'samples with an AccessExclusiveLock on notifications during a build').to.equal(0);
    expect(timedOut).to.deep.equal([]);
    expect(reads).to.be.greaterThan(0);
    expect(slowest, 'slowest read (ms)').to.be.below(2_000);
  });

  it('an index build left invalid (a failed concurrent build) is dropped and built again when the migrations run again', async () => {
    await migrateToLatest(kysely);
    const before = Object.keys(migrations).sort().filter((name) => name < INDEXES).at(-1) as string;
    await downTo(kysely, before);
    await sql`insert into notifications (id, type, channel, recipient, status, priority, next_attempt_at, created_at, updated_at)
              select gen_random_uuid(), 'welcome', 'email', 'a@example.com', 'sent', 5, now(), now(), now() from generate_series(1, 2)`.execute(kysely);
    // Fails on the duplicate status and leaves an invalid index of the name the migration builds.
    const failed = await sql`create unique index concurrently notifications_by_status on notifications (status)`.execute(kysely).then(() => 'built', (e: unknown) => String(e));
    expect(failed).to.match(/could not create unique index/);
    await migrateToLatest(kysely);
    const { rows } = await sql<{ valid: boolean; definition: string }>`select indisvalid as valid, pg_get_indexdef(indexrelid) as definition
      from pg_index where indexrelid = 'notifications_by_status'::regclass`.execute(kysely);
    expect(rows).to.have.length(1);
    expect(rows[0]?.valid).to.equal(true);
    expect(rows[0]?.definition).to.equal('CREATE INDEX notifications_by_status ON public.notifications USING btree (status, channel, created_at DESC, id DESC) INCLUDE (type)');
  });

  it('an index replaced concurrently (20261129T0970) completes when the migrations run again after a crash between its steps', async () => {
    await migrateToLatest(kysely);
    await downTo(kysely, INDEXES);
    // Stopped after the new index was built and the old one dropped, before the rename.
    await sql`create index concurrently notifications_by_status_next on notifications (status, channel, created_at desc, id desc) include (type)`.execute(kysely);
    await sql`drop index concurrently notifications_by_status`.execute(kysely);
    await migrateToLatest(kysely);
    const { rows } = await sql<{ name: string; definition: string }>`select indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as definition
      from pg_index where indrelid = 'notifications'::regclass and indexrelid::regclass::text like 'notifications_by_%status%' order by 1`.execute(kysely);
    expect(rows.map((r) => r.definition)).to.deep.equal([
      'CREATE INDEX notifications_by_status ON public.notifications USING btree (status, channel, created_at DESC, id DESC) INCLUDE (type)',
      'CREATE INDEX notifications_by_user_status ON public.notifications USING btree (user_id, status, created_at DESC, id DESC)',
    ]);
  });

  it('a migration that cannot get its lock within the lock timeout fails alone, rolled back; the ones before it stay applied, and a second run completes', async () => {
    await migrateToLatest(kysely);
    await downTo(kysely, AUDIT_LOG);
    const holder = await client(db, 0);
    try {
      await holder.query('begin');
      await holder.query('select count(*) from notifications');
      const started = Date.now();
      const error = await migrateToLatest(kysely).then(() => 'migrated', (e: unknown) => String(e));
      expect(error).to.match(/lock timeout/);
      expect(Date.now() - started).to.be.within(4_500, 15_000);
      await holder.query('rollback');
    } finally {
      await holder.end();
    }
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(kysely);
    expect(rows[0]?.name).to.equal('20261129T0900-audit-log');
    const order = await sql`select 1 from information_schema.columns where table_name = 'notifications' and column_name = 'order_id'`.execute(kysely);
    expect(order.rows).to.have.length(0);
    expect(await migrateToLatest(kysely)).to.have.length(Object.keys(migrations).filter((name) => name > AUDIT_LOG).length);
  });
});
