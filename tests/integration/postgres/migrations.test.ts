import { expect } from 'chai';
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
});
