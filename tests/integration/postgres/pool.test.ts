import { expect } from 'chai';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { clientWithReadTimeout, createDatabase, isUnavailable } from '../../../src/adapters/postgres/pool.js';
import { TestDatabase } from '../../support/databases.js';
import { rejection } from '../../unit/rejection.js';

const READ_TIMEOUT_MS = 300;

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

describe('the pool\'s client-side read timeout', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  const poolErrors: Error[] = [];

  before(async () => {
    db = await TestDatabase.create('it_pool', { migrate: false });
    kysely = createDatabase({
      url: db.url,
      name: 'pool-test',
      max: 2,
      connectionTimeoutMs: 2_000,
      statementTimeoutMs: 10_000,
      queryTimeoutMs: READ_TIMEOUT_MS,
      onError: (error) => poolErrors.push(error),
    });
  });

  after(async () => {
    await kysely.destroy();
    await db.drop();
  });

  it('fails a query left unanswered, as unavailable, and the pool goes on with a new connection', async () => {
    const started = Date.now();
    const error = await rejection(sql`select pg_sleep(3)`.execute(kysely));
    const elapsed = Date.now() - started;

    expect(error.message).to.equal('Query read timeout');
    expect(isUnavailable(error)).to.equal(true);
    expect(elapsed).to.be.within(READ_TIMEOUT_MS - 10, 2_500);
    expect(poolErrors.map((e) => e.message)).to.include('Query read timeout');
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(kysely);
    expect(rows).to.deep.equal([{ one: 1 }]);
  });

  it('leaves no timer behind for the queries that are answered', async () => {
    await sql`select 1`.execute(kysely);
    const before = activeTimeouts();
    for (let i = 0; i < 50; i++) await sql`select ${i}::int as i`.execute(kysely);
    expect(activeTimeouts() - before).to.be.at.most(1);
  });

  it('leaves no timer behind for a query pg refuses before sending it', async () => {
    const client = new (clientWithReadTimeout(READ_TIMEOUT_MS))({ connectionString: db.url });
    await client.connect();
    try {
      const before = activeTimeouts();
      expect(() => client.query(null as unknown as string)).to.throw(TypeError, /null or undefined query/);
      expect(activeTimeouts()).to.equal(before);
      const { rows } = await client.query<{ three: number }>('select 3 as three');
      expect(rows).to.deep.equal([{ three: 3 }]);
    } finally {
      await client.end();
    }
  });

  it('bounds the callback form too (pg.Pool#query)', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1, Client: clientWithReadTimeout(READ_TIMEOUT_MS) });
    pool.on('error', () => undefined);
    try {
      const error = await rejection(pool.query('select pg_sleep(3)'));
      expect(error.message).to.equal('Query read timeout');
      const { rows } = await pool.query<{ two: number }>('select 2 as two');
      expect(rows).to.deep.equal([{ two: 2 }]);
    } finally {
      await pool.end();
    }
  });
});
