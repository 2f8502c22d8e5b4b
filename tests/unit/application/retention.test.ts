import { expect } from 'chai';
import { type RetainedTable, type RetentionStore } from '../../../src/application/ports/retention-store.js';
import { DEFAULT_RETENTION, Retention } from '../../../src/application/retention/retention.js';
import { FakeClock } from '../../support/fakes.js';
import { T0 } from '../mothers.js';

/** A store with `rows` eligible rows per table, deleted batch by batch. */
function store(rows: Partial<Record<RetainedTable, number>>) {
  const left = { inbox: 0, idempotency_keys: 0, outbox: 0, notifications: 0, feed_items: 0, ws_tickets: 0, audit_log: 0, analytics_counts: 0, analytics_delivery_times: 0, dead_letters: 0, ...rows };
  const calls: string[] = [];
  const take = (key: keyof typeof left, batchSize: number) => {
    const n = Math.min(batchSize, left[key]);
    left[key] -= n;
    return n;
  };
  const subject: RetentionStore = {
    prune: async (table, olderThan, batchSize) => (calls.push(`${table} < ${olderThan.toISOString()}`), take(table, batchSize)),
    foldAnalytics: async (endedBefore) => (calls.push(`fold < ${endedBefore.toISOString()}`), 0),
  };
  return { subject, calls, left };
}

describe('Retention', () => {
  it('folds the analytics shards of periods ended 10 minutes ago, then prunes each table by its own age, counting what went', async () => {
    const { subject, calls } = store({ inbox: 3, outbox: 1 });
    const counts = await new Retention(subject, new FakeClock(T0), { policy: DEFAULT_RETENTION, batchSize: 10, maxBatches: 5 }).runOnce();
    expect(counts).to.deep.equal({ inbox: 3, idempotency_keys: 0, outbox: 1, notifications: 0, feed_items: 0, ws_tickets: 0, audit_log: 0, analytics_counts: 0, analytics_delivery_times: 0, dead_letters: 0 });
    expect(calls).to.deep.equal([
      'fold < 2026-11-22T09:50:00.000Z',
      'inbox < 2026-11-08T10:00:00.000Z',
      'idempotency_keys < 2026-11-21T10:00:00.000Z',
      'outbox < 2026-11-19T10:00:00.000Z',
      'notifications < 2026-08-24T10:00:00.000Z',
      'feed_items < 2026-08-24T10:00:00.000Z',
      'ws_tickets < 2026-11-22T10:00:00.000Z',
      'audit_log < 2025-11-22T10:00:00.000Z',
      'analytics_counts < 2025-10-18T10:00:00.000Z',
      'analytics_delivery_times < 2025-10-18T10:00:00.000Z',
      'dead_letters < 2026-10-23T10:00:00.000Z',
    ]);
  });

  it('works a backlog off in batches, at most maxBatches per table per run', async () => {
    const { subject, left } = store({ notifications: 25 });
    const retention = new Retention(subject, new FakeClock(T0), { policy: DEFAULT_RETENTION, batchSize: 5, maxBatches: 3 });
    expect((await retention.runOnce()).notifications).to.equal(15);
    expect((await retention.runOnce()).notifications).to.equal(10);
    expect(left.notifications).to.equal(0);
  });
});

describe('Retention when folding fails', () => {
  it('prunes every table all the same, and tells of the failure once', async () => {
    const { subject, calls } = store({ inbox: 2, notifications: 1, analytics_counts: 4 });
    subject.foldAnalytics = async () => {
      throw new Error('deadlock detected');
    };
    const failures: unknown[] = [];
    const retention = new Retention(subject, new FakeClock(T0), { policy: DEFAULT_RETENTION, batchSize: 10, maxBatches: 5 }, (error) => failures.push(error));
    const counts = await retention.runOnce();
    expect(counts).to.deep.include({ inbox: 2, notifications: 1, analytics_counts: 4 });
    expect(calls.map((c) => c.split(' ')[0])).to.deep.equal(['inbox', 'idempotency_keys', 'outbox', 'notifications', 'feed_items', 'ws_tickets', 'audit_log', 'analytics_counts', 'analytics_delivery_times', 'dead_letters']);
    expect(failures.map(String)).to.deep.equal(['Error: deadlock detected']);
  });
});

describe('Retention stopping', () => {
  it('runs no further batch once asked to stop', async () => {
    const { subject, calls } = store({ inbox: 100 });
    const retention = new Retention(subject, new FakeClock(T0), { policy: DEFAULT_RETENTION, batchSize: 5, maxBatches: 20 });
    let batches = 0;
    await retention.runOnce(() => ++batches > 3);
    expect(calls).to.deep.equal(['fold < 2026-11-22T09:50:00.000Z', 'inbox < 2026-11-08T10:00:00.000Z', 'inbox < 2026-11-08T10:00:00.000Z', 'inbox < 2026-11-08T10:00:00.000Z']);
  });

  it('passes the stop signal into the fold, which begins no transaction once it is raised, and then prunes nothing', async () => {
    const { subject, calls } = store({ inbox: 100 });
    // A backlog of 500 fold transactions, each asking first, as the PostgreSQL store does (analytics-folding.ts).
    let transactions = 0;
    subject.foldAnalytics = async (_endedBefore, stopping) => {
      while (transactions < 500 && !stopping()) transactions++;
      return transactions * 60;
    };
    const retention = new Retention(subject, new FakeClock(T0), { policy: DEFAULT_RETENTION, batchSize: 5, maxBatches: 20 });
    // SIGTERM during the third fold transaction.
    await retention.runOnce(() => transactions >= 3);
    expect([transactions, calls]).to.deep.equal([3, []]);
  });
});
