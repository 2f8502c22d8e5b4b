import { expect } from 'chai';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { type FallbackReason, ReadRouter } from '../../../src/adapters/postgres/read-router.js';
import { TestDatabase, eventually, sqlOnPrimary, sqlOnStandby, standby } from '../../support/databases.js';

class CountingMetrics {
  readonly fallbacks: FallbackReason[] = [];
  lastLag: number | null = null;

  fellBack(reason: FallbackReason): void {
    this.fallbacks.push(reason);
  }

  replicationLag(seconds: number | null): void {
    this.lastLag = seconds;
  }
}

async function servedByStandby(router: ReadRouter): Promise<boolean> {
  return router.read(async (db) => (await sql<{ r: boolean }>`select pg_is_in_recovery() as r`.execute(db)).rows[0]!.r);
}

async function markerCount(router: ReadRouter): Promise<number> {
  return router.read(async (db) => (await db.selectFrom('api_keys').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n).then(Number);
}

describe('read routing between the primary and the standby', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let primary: Kysely<Database>;
  let replica: Kysely<Database>;
  let metrics: CountingMetrics;
  let router: ReadRouter;

  before(async () => {
    await standby('ensure');
    db = await TestDatabase.create('it_routing');
    await db.waitForStandby();
    primary = db.kysely('primary');
    replica = db.kysely('standby', db.standbyUrl);
  });
  beforeEach(() => {
    metrics = new CountingMetrics();
    router = new ReadRouter(primary, replica, { maxLagSeconds: 1, checkIntervalMs: 0 }, metrics);
  });
  after(async () => {
    await sqlOnStandby('select pg_wal_replay_resume()').catch(() => undefined);
    await standby('ensure');
    await replica.destroy();
    await primary.destroy();
    await db.drop();
  });

  it('sends reads to the standby while it is healthy and current', async () => {
    expect(await servedByStandby(router)).to.equal(true);
    expect(metrics.fallbacks).to.deep.equal([]);
    expect(metrics.lastLag).to.be.a('number').and.to.be.at.most(1);
    expect(await router.standbyState()).to.deep.include({ state: 'up' });
  });

  it('sends reads to the primary when replay is paused and the lag passes the bound', async () => {
    await sqlOnStandby('select pg_wal_replay_pause()');
    try {
      await sqlOnPrimary(db.name, "insert into api_keys (id, name, key_hash, scopes, created_at) values (gen_random_uuid(), 'lag', 'lag-marker', '{admin}', now())");
      await eventually(async () => (await router.standbyState()).state === 'lagging', 10_000, 'the standby to count as lagging');
      expect(await markerCount(router)).to.equal(1);
      expect(await servedByStandby(router)).to.equal(false);
      expect(metrics.fallbacks).to.include('standby_lagging');
      expect(metrics.lastLag).to.be.greaterThan(1);
    } finally {
      await sqlOnStandby('select pg_wal_replay_resume()');
    }
    await eventually(async () => (await router.standbyState()).state === 'up', 10_000, 'the standby to catch up');
    expect(await markerCount(router)).to.equal(1);
    expect(await servedByStandby(router)).to.equal(true);
  });

  it('sends reads to the primary while the standby is stopped, and back once it returns', async () => {
    await standby('stop');
    try {
      expect(await servedByStandby(router)).to.equal(false);
      expect(await markerCount(router)).to.be.a('number');
      expect(metrics.fallbacks).to.deep.equal(['standby_unavailable', 'standby_unavailable']);
      expect(await router.standbyState()).to.deep.include({ state: 'down' });
    } finally {
      await standby('ensure');
    }
    await eventually(() => servedByStandby(router), 20_000, 'reads to return to the standby');
  });

  it('falls back when the standby fails in the middle of a read', async () => {
    const flaky = new ReadRouter(primary, replica, { maxLagSeconds: 1, checkIntervalMs: 60_000 }, metrics);
    expect(await servedByStandby(flaky)).to.equal(true);
    await standby('stop');
    try {
      await replica.destroy().catch(() => undefined);
      const stale = db.kysely('standby', db.standbyUrl);
      const router2 = new ReadRouter(primary, stale, { maxLagSeconds: 1, checkIntervalMs: 60_000 }, metrics);
      // Its reading is fresh and says "up"; the read itself then finds the standby gone.
      (router2 as unknown as { reading: unknown }).reading = { at: Date.now(), state: Promise.resolve({ state: 'up', lagSeconds: 0 }) };
      expect(await servedByStandby(router2)).to.equal(false);
      expect(metrics.fallbacks).to.deep.equal(['standby_unavailable']);
      await stale.destroy();
    } finally {
      await standby('ensure');
      replica = db.kysely('standby', db.standbyUrl);
    }
  });

  it('reads the primary alone when no standby is configured, counting no fallback', async () => {
    const solo = new ReadRouter(primary, null, { maxLagSeconds: 1, checkIntervalMs: 0 }, metrics);
    expect(await servedByStandby(solo)).to.equal(false);
    expect(await solo.standbyState()).to.deep.equal({ state: 'not_configured' });
    expect(metrics.fallbacks).to.deep.equal([]);
  });
});
