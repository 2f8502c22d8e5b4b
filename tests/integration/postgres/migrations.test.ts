import { expect } from 'chai';
import { type Kysely, Migrator, sql } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyDeliveryQueue } from '../../../src/adapters/postgres/delivery-queue.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { migrateDownOne, migrateToLatest, migrateToZero } from '../../../src/adapters/postgres/migrator.js';
import { migrations } from '../../../src/migrations/index.js';
import { TestDatabase, sqlOnPrimary } from '../../support/databases.js';
import { testStamping } from '../../support/test-container.js';

async function tables(db: TestDatabase): Promise<string[]> {
  const rows = await sqlOnPrimary<{ table_name: string }>(
    db.name,
    "select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely_%' order by 1",
  );
  return rows.map((r) => r.table_name);
}

const SCHEMA = [
  'analytics_counts',
  'analytics_delivery_times',
  'api_keys',
  'audit_log',
  'channel_rate_buckets',
  'dead_letters',
  'feed_items',
  'idempotency_keys',
  'inbox',
  'notification_attempts',
  'notification_preferences',
  'notifications',
  'outbox',
  'schedule_occurrences',
  'schedules',
  'suppressions',
  'template_versions',
  'templates',
  'ws_tickets',
];

async function columns(db: TestDatabase, table: string): Promise<string[]> {
  const rows = await sqlOnPrimary<{ column_name: string }>(
    db.name,
    `select column_name from information_schema.columns where table_schema = 'public' and table_name = '${table}' order by 1`,
  );
  return rows.map((r) => r.column_name);
}

/** Index name to definition, for the tables the delivery core migration touches. */
async function indexes(db: TestDatabase): Promise<Map<string, string>> {
  const rows = await sqlOnPrimary<{ indexname: string; indexdef: string }>(
    db.name,
    `select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename in ('notifications', 'inbox', 'idempotency_keys')`,
  );
  return new Map(rows.map((r) => [r.indexname, r.indexdef]));
}

const BEFORE_DELIVERY_CORE = '20261122T0400-attempt-history';
const DELIVERY_CORE_INDEXES = ['notifications_retry_of', 'notifications_final', 'inbox_received', 'idempotency_keys_created'];

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('migrations', () => {
  let db: TestDatabase;
  before(async () => {
    db = await TestDatabase.create('it_migrations', { migrate: false });
  });
  after(() => db.drop());

  it('go up, down to zero and up again, leaving the same schema', async () => {
    const kysely = db.kysely();
    try {
      const up = await migrateToLatest(kysely);
      expect(up).to.have.length(Object.keys(migrations).length);
      expect(await tables(db)).to.deep.equal(SCHEMA);

      expect(await migrateToLatest(kysely)).to.deep.equal([]);

      await migrateToZero(kysely);
      expect(await tables(db)).to.deep.equal([]);

      await migrateToLatest(kysely);
      expect(await tables(db)).to.deep.equal(SCHEMA);
    } finally {
      await kysely.destroy();
    }
  });

  it('each migration has a down that undoes it', async () => {
    const kysely = db.kysely();
    try {
      await migrateToLatest(kysely);
      for (let i = Object.keys(migrations).length; i > 0; i--) await migrateDownOne(kysely);
      expect(await tables(db)).to.deep.equal([]);
      await migrateToLatest(kysely);
    } finally {
      await kysely.destroy();
    }
  });

  it('fills the attempt history of notifications recorded before it', async () => {
    const kysely = db.kysely();
    try {
      await migrateToZero(kysely);
      const migrator = new Migrator({ db: kysely, provider: { getMigrations: async () => migrations } });
      const { error } = await migrator.migrateTo('20261122T0300-event-pipeline');
      expect(error).to.equal(undefined);
      const id = '00000000-0000-4000-8000-000000000001';
      await sql`insert into notifications (id, user_id, type, channel, recipient, status, scheduled_attempts, created_at, updated_at)
                values (${id}, 'u', 'welcome', 'email', 'u@example.com', 'sent', 2, now(), now())`.execute(kysely);
      await sql`insert into notification_attempts (notification_id, number, attempted_at, outcome, response, error, latency_ms)
                values (${id}, 2, '2026-11-22T10:00:02Z', 'accepted', '250 ok', null, 3),
                       (${id}, 1, '2026-11-22T10:00:01Z', 'transient_failure', '450 busy', 'busy', 5)`.execute(kysely);
      await migrateToLatest(kysely);
      const { rows } = await sql<{ history: Array<{ number: number; outcome: string; attempted_at: string }> }>`select attempt_history as history from notifications where id = ${id}`.execute(kysely);
      expect(rows[0]?.history.map((h) => [h.number, h.outcome, Date.parse(h.attempted_at)])).to.deep.equal([
        [1, 'transient_failure', Date.parse('2026-11-22T10:00:01Z')],
        [2, 'accepted', Date.parse('2026-11-22T10:00:02Z')],
      ]);
    } finally {
      await kysely.destroy();
    }
  });
  describe('20261129T0100-delivery-core', () => {
    let kysely: Kysely<Database>;
    beforeEach(async () => {
      kysely = db.kysely();
      await migrateToZero(kysely);
      const { error } = await new Migrator({ db: kysely, provider: { getMigrations: async () => migrations } }).migrateTo(BEFORE_DELIVERY_CORE);
      expect(error).to.equal(undefined);
    });
    afterEach(async () => {
      await migrateToLatest(kysely);
      await kysely.destroy();
    });

    /** Rows as the previous schema stored them: one of each type, suppressed ones with their reason, attempts. */
    async function previousRows(): Promise<void> {
      const rows: Array<[number, string, string, string | null, number]> = [
        [1, 'email_verification', 'sent', null, 1],
        [2, 'password_reset', 'pending', null, 0],
        [3, 'security_alert', 'suppressed', 'preference_opt_out', 0],
        [4, 'order_confirmation', 'retrying', null, 2],
        [5, 'order_status_update', 'suppressed', 'duplicate', 0],
        [6, 'welcome', 'pending', null, 0],
        [7, 'welcome', 'suppressed', 'invalid_recipient', 0],
        [8, 'welcome', 'failed', null, 3],
      ];
      for (const [n, type, status, reason, scheduled] of rows) {
        // Due a minute ago, the welcome (n = 6) before the password reset (n = 2).
        const due = status === 'pending' || status === 'retrying' ? sql`now() - make_interval(secs => ${60 + n})` : sql`null`;
        await sql`insert into notifications (id, user_id, type, channel, recipient, subject, template_vars, status, suppression_reason,
                                             scheduled_attempts, next_attempt_at, correlation_id, created_at, updated_at)
                  values (${uuid(n)}, 'u', ${type}, 'email', 'u@example.com', ${`s${n}`}, ${JSON.stringify({ username: 'u', n })}::jsonb, ${status}, ${reason},
                          ${scheduled}, ${due}, ${`corr-${n}`}, now() - interval '1 day', now() - interval '1 hour')`.execute(kysely);
      }
      await sql`insert into notification_attempts (notification_id, number, attempted_at, outcome, response, error, latency_ms)
                values (${uuid(1)}, 1, '2026-11-22T10:00:01Z', 'accepted', '250 ok', null, 3),
                       (${uuid(4)}, 1, '2026-11-22T10:00:02Z', 'transient_failure', '450 busy', 'busy', 5)`.execute(kysely);
    }

    it('goes up on rows of the previous schema without rewriting it: unfinished rows get the priority of their type, old columns stay', async () => {
      await previousRows();
      const historyBefore = await sqlOnPrimary<{ id: string; attempt_history: unknown }>(db.name, 'select id, attempt_history from notifications order by id');

      await migrateToLatest(kysely);

      type Row = { type: string; status: string; priority: number; reason: string | null; suppression_reason: string | null; deferrals: number; lease_expiries: number; retry_of: string | null; secret_variables: string[] };
      const rows = await sqlOnPrimary<Row>(
        db.name,
        'select type, status, priority, reason, suppression_reason, deferrals, lease_expiries, retry_of, secret_variables from notifications order by id',
      );
      expect(rows.map((r) => [r.type, r.priority, r.status, r.suppression_reason])).to.deep.equal([
        ['email_verification', 2, 'sent', null],
        ['password_reset', 0, 'pending', null],
        ['security_alert', 2, 'suppressed', 'preference_opt_out'],
        ['order_confirmation', 1, 'retrying', null],
        ['order_status_update', 2, 'suppressed', 'duplicate'],
        ['welcome', 2, 'pending', null],
        ['welcome', 2, 'suppressed', 'invalid_recipient'],
        ['welcome', 2, 'failed', null],
      ]);
      for (const r of rows) expect(r).to.deep.include({ reason: null, deferrals: 0, lease_expiries: 0, retry_of: null, secret_variables: [] });
      expect(await sqlOnPrimary(db.name, 'select id, attempt_history from notifications order by id')).to.deep.equal(historyBefore);

      // Expand only: the previous release still writes these during a rolling deploy.
      const notificationColumns = await columns(db, 'notifications');
      expect(notificationColumns).to.include.members(['priority', 'reason', 'deferrals', 'lease_expiries', 'retry_of', 'secret_variables', 'suppression_reason', 'scheduled_attempts']);
      const after = await indexes(db);
      expect([...after.keys()]).to.include.members(DELIVERY_CORE_INDEXES);
      // Led by the channel since 20261129T0700: workers claim each channel apart.
      expect(after.get('notifications_due')).to.match(/\(channel, priority, next_attempt_at\) WHERE \(status = ANY/);
      expect(after.get('notifications_retry_of')).to.match(/^CREATE UNIQUE INDEX/);

      // The adapters read the migrated rows (the old column's reason included), and the queue claims by priority.
      const { result: loaded } = await new KyselyUnitOfWork(kysely, testStamping()).execute((u) => u.notifications.getMany([uuid(3), uuid(4)]));
      expect(loaded.get(uuid(3))?.snapshot()).to.deep.include({ priority: 'normal', status: 'suppressed', reason: 'preference_opt_out', retryOf: null, deferrals: 0, leaseExpiries: 0 });
      expect(loaded.get(uuid(4))?.snapshot()).to.deep.include({ priority: 'high', status: 'retrying' });
      expect(loaded.get(uuid(4))?.snapshot().attempts.map((a) => [a.number, a.outcome])).to.deep.equal([[1, 'transient_failure']]);
      const queue = new KyselyDeliveryQueue(kysely);
      const claimed: string[] = [];
      for (let i = 0; i < 3; i++) claimed.push(...(await queue.claimDue(1, 30_000, 'email')).map((c) => c.notification.id));
      expect(claimed).to.deep.equal([uuid(2), uuid(4), uuid(6)]);
    });

    it('goes down again, keeping the rows and their suppression reasons, and up once more', async () => {
      await previousRows();
      const columnsBefore = await columns(db, 'notifications');
      const indexesBefore = await indexes(db);
      await migrateToLatest(kysely);
      // A retry linked to its original, as the new schema allows.
      await sql`insert into notifications (id, type, channel, recipient, status, priority, retry_of, next_attempt_at, created_at, updated_at)
                values (${uuid(9)}, 'welcome', 'email', 'u@example.com', 'pending', 2, ${uuid(8)}, now(), now(), now())`.execute(kysely);

      // Every later migration goes down first, newest first.
      for (const name of Object.keys(migrations).filter((n) => n > '20261129T0100-delivery-core').sort().reverse()) {
        expect(await migrateDownOne(kysely)).to.deep.equal([`Down ${name}: Success`]);
      }
      // Its down gives the trigger back its rebuild after every insert, which the previous release relies on.
      const [trigger] = await sqlOnPrimary<{ def: string }>(db.name, "select pg_get_functiondef('notifications_project_attempts'::regproc) as def");
      expect(trigger?.def).to.include('where n.id in (select distinct notification_id from inserted_attempts)');
      expect(await migrateDownOne(kysely)).to.deep.equal(['Down 20261129T0100-delivery-core: Success']);

      expect(await columns(db, 'notifications')).to.deep.equal(columnsBefore);
      expect(await indexes(db)).to.deep.equal(indexesBefore);
      const rows = await sqlOnPrimary<{ id: string; status: string; suppression_reason: string | null; scheduled_attempts: number }>(
        db.name,
        'select id, status, suppression_reason, scheduled_attempts from notifications order by id',
      );
      expect(rows.map((r) => r.id)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9].map(uuid));
      expect(rows.filter((r) => r.status === 'suppressed').map((r) => [r.id, r.suppression_reason])).to.deep.equal([
        [uuid(3), 'preference_opt_out'],
        [uuid(5), 'duplicate'],
        [uuid(7), 'invalid_recipient'],
      ]);

      await migrateToLatest(kysely);
      const again = await sqlOnPrimary<{ id: string; priority: number; reason: string | null }>(db.name, 'select id, priority, reason from notifications order by id');
      expect(again.map((r) => [r.priority, r.reason])).to.deep.equal([
        [2, null], [0, null], [2, null], [1, null], [2, null], [2, null], [2, null], [2, null], [2, null],
      ]);
    });
  });
});
