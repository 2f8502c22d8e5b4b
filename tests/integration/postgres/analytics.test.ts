import { expect } from 'chai';
import { type Kysely, sql } from 'kysely';
import { KyselyAnalyticsCounts } from '../../../src/adapters/postgres/analytics-counts.js';
import { foldAnalytics, foldPeriods } from '../../../src/adapters/postgres/analytics-folding.js';
import { KyselyAnalyticsReadModel } from '../../../src/adapters/postgres/analytics-read-model.js';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { ReadRouter } from '../../../src/adapters/postgres/read-router.js';
import { KyselyRetentionStore } from '../../../src/adapters/postgres/retention.store.js';
import type { CountedOutcome } from '../../../src/application/ports/analytics.js';
import { DEFAULT_RETENTION, Retention } from '../../../src/application/retention/retention.js';
import { histogramOf } from '../../../src/domain/delivery-time-histogram.js';
import { CHANNELS } from '../../../src/domain/notification-type.js';
import { FakeAnalyticsReadModel } from '../../support/analytics-fakes.js';
import { TestDatabase } from '../../support/databases.js';
import { FakeClock } from '../../support/fakes.js';
import { testStamping } from '../../support/test-container.js';

const MINUTE = 60_000;
const T = new Date('2026-11-20T22:58:00Z');

function outcome(i: number, at: Date): CountedOutcome {
  const status = (['sent', 'sent', 'failed', 'suppressed', 'delivered'] as const)[i % 5]!;
  const reason = status === 'failed' ? (['permanent_failure', 'expired'] as const)[i % 2]! : status === 'suppressed' ? 'preference_opt_out' : null;
  return { at, channel: CHANNELS[i % 3]!, type: i % 2 ? 'welcome' : 'security_alert', status, reason, deliveryTimeMs: status === 'sent' ? 10 + ((i * 37) % 5_000) : null };
}

describe('analytics aggregates in PostgreSQL', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  const readModel = () => new KyselyAnalyticsReadModel(new ReadRouter(kysely, null, { maxLagSeconds: 5, checkIntervalMs: 1000 }, { fellBack: () => undefined, replicationLag: () => undefined }));
  const rows = async (table: string) => (await sql<{ n: number; shards: number }>`select count(*)::int as n, count(distinct shard)::int as shards from ${sql.table(table)}`.execute(kysely)).rows[0]!;
  /** `n` minutes before T, 3 shards each (writers' pids), unfolded in both tables: as after the retention worker was down. */
  const unfoldedMinutes = async (n: number) => {
    await sql`insert into analytics_counts (grain, at, channel, type, status, reason, shard, count)
      select 1, ${T}::timestamptz - make_interval(mins => m), 'email', 'welcome', 'sent', '', s, m + s from generate_series(1, ${n}::int) m, generate_series(1, 3) s`.execute(kysely);
    await sql`insert into analytics_delivery_times (grain, at, channel, shard, count, total_ms, buckets)
      select 1, ${T}::timestamptz - make_interval(mins => m), 'email', s, 2, 10 * m, array[m, s]::bigint[] from generate_series(1, ${n}::int) m, generate_series(1, 3) s`.execute(kysely);
  };

  before(async () => {
    db = await TestDatabase.create('it_analytics');
    kysely = db.kysely('analytics');
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });
  beforeEach(async () => {
    await sql`truncate analytics_counts, analytics_delivery_times`.execute(kysely);
  });

  it('lets two open transactions count into the same minute without waiting for each other, and keeps both counts', async () => {
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstFlushed!: () => void;
    const flushed = new Promise<void>((resolve) => (firstFlushed = resolve));
    const first = kysely.transaction().execute(async (tx) => {
      const counts = new KyselyAnalyticsCounts(tx);
      counts.count(outcome(0, T));
      await counts.flush();
      firstFlushed();
      await firstHeld;
    });
    await flushed;
    // The first still holds its rows: a writer keyed like it would wait here until the statement timeout.
    await kysely.transaction().execute(async (tx) => {
      const counts = new KyselyAnalyticsCounts(tx);
      counts.count(outcome(0, T));
      counts.count(outcome(0, T));
      await counts.flush();
    });
    releaseFirst();
    await first;
    const { totals, deliveryTimes } = await readModel().totals({ from: T, to: new Date(T.getTime() + MINUTE) });
    expect(totals).to.deep.equal([{ channel: 'email', type: 'security_alert', status: 'sent', reason: null, count: 3 }]);
    expect(deliveryTimes).to.deep.equal({ count: 3, totalMs: 30, buckets: histogramOf([10, 10, 10]) });
  });

  it('keeps totals exact across 24 concurrent units of work, and counts nothing of one that rolled back', async () => {
    const all = Array.from({ length: 240 }, (_, i) => outcome(i, new Date(T.getTime() + (i % 7) * 20_000)));
    await Promise.all(
      Array.from({ length: 24 }, (_, w) =>
        new KyselyUnitOfWork(kysely, testStamping()).execute(async (uow) => {
          for (const o of all.slice(w * 10, w * 10 + 10)) uow.analytics.count(o);
        }),
      ),
    );
    const failing = new KyselyUnitOfWork(kysely, testStamping()).execute(async (uow) => {
      uow.analytics.count(outcome(0, T));
      throw new Error('the outcome was not recorded');
    });
    await failing.catch(() => undefined);
    const window = { from: new Date(T.getTime() - 3 * 86_400_000), to: new Date(T.getTime() + 86_400_000) };
    const expected = await new FakeAnalyticsReadModel(() => all).totals(window);
    const actual = await readModel().totals(window);
    expect(sorted(actual.totals)).to.deep.equal(sorted(expected.totals));
    expect(actual.deliveryTimes).to.deep.equal(expected.deliveryTimes);
  });

  it('answers any window as the outcomes in it add up, before and after the shards are folded', async () => {
    const all = Array.from({ length: 600 }, (_, i) => outcome(i, new Date(T.getTime() + i * 7 * 61_000)));
    for (let w = 0; w < 6; w++) {
      await new KyselyUnitOfWork(kysely, testStamping()).execute(async (uow) => all.slice(w * 100, w * 100 + 100).forEach((o) => uow.analytics.count(o)));
    }
    const windows = [
      [T, new Date(T.getTime() + 2 * 86_400_000)],
      [new Date('2026-11-20T23:13:27Z'), new Date('2026-11-22T05:00:10Z')],
      [new Date('2026-11-21T00:00:00Z'), new Date('2026-11-22T00:00:00Z')],
      [new Date('2026-11-21T07:05:00Z'), new Date('2026-11-21T07:45:00Z')],
    ] as const;
    const check = async () => {
      for (const [from, to] of windows) {
        const fromMinute = new Date(Math.ceil(from.getTime() / MINUTE) * MINUTE);
        const expected = await new FakeAnalyticsReadModel(() => all).totals({ from: fromMinute, to });
        const actual = await readModel().totals({ from, to });
        expect(sorted(actual.totals), `${from.toISOString()} to ${to.toISOString()}`).to.deep.equal(sorted(expected.totals));
        expect(actual.deliveryTimes).to.deep.equal(expected.deliveryTimes);
      }
    };
    await check();
    expect((await rows('analytics_counts')).shards).to.be.at.least(1);
    expect(await foldAnalytics(kysely, new Date('2026-11-30T00:00:00Z'))).to.be.greaterThan(0);
    expect(await rows('analytics_counts')).to.deep.include({ shards: 1 });
    await check();
    expect(await foldAnalytics(kysely, new Date('2026-11-30T00:00:00Z'))).to.equal(0);
  });

  it('charts minutes and hours from their own rows, and folds only periods that ended before the cutoff', async () => {
    for (const [i, at] of ['2026-11-20T22:58:10Z', '2026-11-20T22:58:50Z', '2026-11-20T23:01:00Z'].entries()) {
      await new KyselyUnitOfWork(kysely, testStamping()).execute(async (uow) => uow.analytics.count(outcome(i * 5, new Date(at))));
    }
    const minutes = await readModel().series({ from: T, to: new Date('2026-11-20T23:05:00Z') }, 'minute');
    expect(minutes.map((p) => [p.at.toISOString(), p.totals.length, p.deliveryTimes.count])).to.deep.equal([
      ['2026-11-20T22:58:00.000Z', 2, 2],
      ['2026-11-20T23:01:00.000Z', 1, 1],
    ]);
    const hours = await readModel().series({ from: new Date('2026-11-20T22:00:00Z'), to: new Date('2026-11-21T00:00:00Z') }, 'hour');
    expect(hours.map((p) => [p.at.toISOString(), p.deliveryTimes.count])).to.deep.equal([
      ['2026-11-20T22:00:00.000Z', 2],
      ['2026-11-20T23:00:00.000Z', 1],
    ]);
    await foldAnalytics(kysely, new Date('2026-11-20T23:00:00Z'));
    const unfolded = await sql<{ grain: number; at: Date }>`select distinct grain, at from analytics_counts where shard <> 0 order by grain, at`.execute(kysely);
    expect(unfolded.rows.map((r) => `${r.grain} ${r.at.toISOString()}`)).to.deep.equal(['1 2026-11-20T23:01:00.000Z', '60 2026-11-20T23:00:00.000Z', '1440 2026-11-20T00:00:00.000Z']);
  });

  it('folds a backlog of 300 minutes in transactions of at most 60 periods each, keeping every sum', async () => {
    await unfoldedMinutes(300);
    const sums = async () => ({
      counts: (await sql<{ at: Date; n: string }>`select at, sum(count)::text as n from analytics_counts group by at order by at`.execute(kysely)).rows.map((r) => [r.at.toISOString(), r.n]),
      times: (await sql<{ at: Date; n: string }>`select at, sum(count)::text || '/' || sum(total_ms)::text || '/' || analytics_sum_buckets(buckets)::text as n from analytics_delivery_times group by at order by at`.execute(kysely)).rows.map((r) => [r.at.toISOString(), r.n]),
    });
    const before = await sums();
    const cutoff = new Date('2026-11-30T00:00:00Z');
    // One transaction folds the oldest 60 minutes only.
    expect(await foldPeriods(kysely, 'analytics_counts', 1, cutoff, 60)).to.deep.equal({ periods: 60, rows: 60 });
    const unfolded = await sql<{ n: number; oldest: Date }>`select count(distinct at)::int as n, min(at) as oldest from analytics_counts where shard <> 0`.execute(kysely);
    expect([unfolded.rows[0]?.n, unfolded.rows[0]?.oldest.toISOString()]).to.deep.equal([240, new Date(T.getTime() - 240 * MINUTE).toISOString()]);
    expect(await foldAnalytics(kysely, cutoff, () => false, 60)).to.equal(240 + 300);
    expect(await rows('analytics_counts')).to.deep.equal({ n: 300, shards: 1 });
    expect(await rows('analytics_delivery_times')).to.deep.equal({ n: 300, shards: 1 });
    expect(await sums()).to.deep.equal(before);
  });

  it('stops folding a backlog when asked: a shutdown during the first fold transaction waits for no other', async () => {
    // 600 minutes: ten transactions per table for grain 1 alone, had the run gone on.
    await unfoldedMinutes(600);
    let asked = 0;
    // SIGTERM arrives while the first transaction runs: every later question answers true.
    const stopping = () => asked++ > 0;
    const retention = new Retention(new KyselyRetentionStore(kysely), new FakeClock(new Date('2026-11-30T00:00:00Z')), { policy: DEFAULT_RETENTION, batchSize: 100, maxBatches: 5 });
    await retention.runOnce(stopping);
    const folded = async (table: string) => (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where shard = 0`.execute(kysely)).rows[0]!.n;
    // One transaction folds 60 minutes of one table; at most one more may have run.
    expect(await folded('analytics_counts')).to.equal(60);
    expect(await folded('analytics_delivery_times')).to.equal(0);
    // The next run goes on where this one stopped.
    await retention.runOnce();
    expect([await folded('analytics_counts'), await folded('analytics_delivery_times')]).to.deep.equal([600, 600]);
  });

  it('prunes rows older than the retention age from both tables', async () => {
    await new KyselyUnitOfWork(kysely, testStamping()).execute(async (uow) => {
      uow.analytics.count(outcome(0, new Date('2025-01-01T10:00:00Z')));
      uow.analytics.count(outcome(0, T));
    });
    const store = new KyselyRetentionStore(kysely);
    expect(await store.prune('analytics_counts', new Date('2025-06-01T00:00:00Z'), 100)).to.equal(3);
    expect(await store.prune('analytics_delivery_times', new Date('2025-06-01T00:00:00Z'), 100)).to.equal(3);
    expect((await rows('analytics_counts')).n).to.equal(3);
  });
});

function sorted<T extends { channel: string; type: string; status: string; reason: string | null }>(totals: readonly T[]): T[] {
  return [...totals].sort((a, b) => [a.channel, a.type, a.status, a.reason].join().localeCompare([b.channel, b.type, b.status, b.reason].join()));
}
