import { expect } from 'chai';
import pg from 'pg';
import { isRefusedValue, isUnavailable, isUnstorableText } from '../../../src/adapters/postgres/pool.js';
import { TestDatabase, sqlOnPrimary, uniqueName } from '../../support/databases.js';
import { rejection } from '../../unit/rejection.js';

/** A client of its own; `session` runs first (SET ...). Errors on the idle client are kept. */
async function client(url: string, session = ''): Promise<pg.Client & { errors: Error[] }> {
  const c = Object.assign(new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 }), { errors: [] as Error[] });
  c.on('error', (error) => c.errors.push(error));
  await c.connect();
  if (session) await c.query(session);
  return c;
}

const codeOf = (error: Error) => (error as { code?: string }).code;

// What the real server answers, so that the codes isUnavailable knows are the ones pg hands over.
describe('database errors that mean try later, from the real server', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  const open: pg.Client[] = [];
  const connect = async (url: string, session = '') => {
    const c = await client(url, session);
    open.push(c);
    return c;
  };

  before(async () => {
    db = await TestDatabase.create('it_try_later', { migrate: false });
    await sqlOnPrimary(db.name, 'create table t (id int primary key, n int); insert into t values (1, 0), (2, 0)');
  });
  after(async () => {
    await Promise.allSettled(open.map((c) => c.end()));
    await db.drop();
  });

  it('57014: a statement cancelled by statement_timeout', async () => {
    const c = await connect(db.url, 'set statement_timeout = 100');
    const error = await rejection(c.query('select pg_sleep(2)'));
    expect([codeOf(error), isUnavailable(error)]).to.deep.equal(['57014', true]);
  });

  it('40P01: the loser of a deadlock', async () => {
    const [a, b] = [await connect(db.url), await connect(db.url)];
    await a.query('begin; update t set n = n + 1 where id = 1');
    await b.query('begin; update t set n = n + 1 where id = 2');
    const first = a.query('update t set n = n + 1 where id = 2').then(() => null, (e: Error) => e);
    const second = b.query('update t set n = n + 1 where id = 1').then(() => null, (e: Error) => e);
    const [loser] = (await Promise.all([first, second])).filter((e): e is Error => e !== null);
    await Promise.all([a.query('rollback'), b.query('rollback')]);
    expect([codeOf(loser!), isUnavailable(loser)]).to.deep.equal(['40P01', true]);
  });

  it('25006: a write sent to a standby, as after a failover', async () => {
    await db.waitForStandby();
    const c = await connect(db.standbyUrl);
    const error = await rejection(c.query('update t set n = 1'));
    expect([codeOf(error), isUnavailable(error)]).to.deep.equal(['25006', true]);
  });

  it('53300: too many connections (here: over the role connection limit)', async () => {
    const role = uniqueName('it_limited');
    const url = new URL(db.url);
    // The servers ask for a password: the role gets the one the URL carries.
    await sqlOnPrimary('postgres', `create role ${role} login connection limit 0 password '${decodeURIComponent(url.password)}'`);
    try {
      url.username = role;
      const error = await rejection(client(url.toString()));
      expect([codeOf(error), isUnavailable(error)]).to.deep.equal(['53300', true]);
    } finally {
      await sqlOnPrimary('postgres', `drop role ${role}`);
    }
  });

  it('25P03: the server closing a session left idle in a transaction', async () => {
    const c = await connect(db.url, 'set idle_in_transaction_session_timeout = 100');
    await c.query('begin');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = await rejection(c.query('select 1'));
    const reported = c.errors.find((e) => codeOf(e) === '25P03');
    expect(reported, `errors seen: ${c.errors.map((e) => `${codeOf(e)} ${e.message}`).join('; ')}`).to.not.equal(undefined);
    expect([isUnavailable(reported), isUnavailable(next)]).to.deep.equal([true, true]);
  });

  it('55P03: a lock_timeout met by a lock another transaction holds', async () => {
    const [holder, waiter] = [await connect(db.url), await connect(db.url, 'set lock_timeout = 100')];
    await holder.query('begin; lock table t in access exclusive mode');
    const error = await rejection(waiter.query('update t set n = 1 where id = 1'));
    await holder.query('rollback');
    expect([codeOf(error), isUnavailable(error), isRefusedValue(error)]).to.deep.equal(['55P03', true, false]);
  });

  it('42501: a table the role has no grant on', async () => {
    const role = uniqueName('it_ungranted');
    const url = new URL(db.url);
    await sqlOnPrimary('postgres', `create role ${role} login password '${decodeURIComponent(url.password)}'`);
    try {
      url.username = role;
      const c = await connect(url.toString());
      const error = await rejection(c.query('select n from t'));
      await c.end();
      expect([codeOf(error), isUnavailable(error), isRefusedValue(error)]).to.deep.equal(['42501', true, false]);
    } finally {
      await sqlOnPrimary('postgres', `drop role ${role}`);
    }
  });

  it('22003 and 54000: a value out of range and an index row too large are refused values, not "try later"', async () => {
    const c = await connect(db.url);
    const outOfRange = await rejection(c.query('select 2147483648::int'));
    await c.query('create temporary table big (v text); create index on big (v)');
    const tooLarge = await rejection(c.query("insert into big values ((select string_agg(md5(i::text), '') from generate_series(1, 300) i))"));
    expect([outOfRange, tooLarge].map((e) => [codeOf(e), isRefusedValue(e), isUnavailable(e)])).to.deep.equal([
      ['22003', true, false],
      ['54000', true, false],
    ]);
  });

  it('22021 and 22P05: a NUL in text or in jsonb can never be stored, and is not "try later"', async () => {
    const c = await connect(db.url);
    const inText = await rejection(c.query('select $1::text as id', ['evt\u0000']));
    const inJsonb = await rejection(c.query('select $1::jsonb as body', [JSON.stringify({ id: 'evt\u0000' })]));
    expect([inText, inJsonb].map((e) => [codeOf(e), isUnstorableText(e), isUnavailable(e)])).to.deep.equal([
      ['22021', true, false],
      ['22P05', true, false],
    ]);
  });
});
