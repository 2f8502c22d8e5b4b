import { expect } from 'chai';
import { Migrator, sql } from 'kysely';
import { migrateDownOne, migrateToLatest, migrateToZero } from '../../../src/adapters/postgres/migrator.js';
import { migrations } from '../../../src/migrations/index.js';
import { TestDatabase, sqlOnPrimary } from '../../support/databases.js';

async function tables(db: TestDatabase): Promise<string[]> {
  const rows = await sqlOnPrimary<{ table_name: string }>(
    db.name,
    "select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely_%' order by 1",
  );
  return rows.map((r) => r.table_name);
}

const SCHEMA = ['api_keys', 'idempotency_keys', 'inbox', 'notification_attempts', 'notification_preferences', 'notifications', 'outbox'];

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
});
