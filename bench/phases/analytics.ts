import type { Kysely } from 'kysely';
import { KyselyAnalyticsCounts } from '../../src/adapters/postgres/analytics-counts.js';
import { foldAnalytics } from '../../src/adapters/postgres/analytics-folding.js';
import type { Database } from '../../src/adapters/postgres/database.js';
import { createDatabase } from '../../src/adapters/postgres/pool.js';
import type { CountedOutcome } from '../../src/application/ports/analytics.js';
import { FOLD_AFTER_MS } from '../../src/application/retention/retention.js';
import { CHANNELS } from '../../src/domain/notification-type.js';
import { firstMessage, forkBench } from '../children.js';
import type { Bench } from '../context.js';
import { sql, waitForStandby } from '../infra.js';
import type { AnalyticsResult, AnalyticsWindowFigures, SequentialFigures } from '../results.js';
import { ADMIN_API_KEY } from '../service.js';
import { log, round } from '../util.js';

const DAY_MS = 86_400_000;
const TYPES = ['welcome', 'security_alert', 'order_confirmation', 'order_status_update', 'password_reset', 'email_verification'];
const PER_TRANSACTION = 20_000;
/** Outcomes per RecordSendReports transaction when measuring the write's cost (the delivery worker's batches). */
const BATCH = 10;

/** The i-th of `count` outcomes spread evenly over `spanMs` before `end`: 90% sent, 6% failed, 4% suppressed. */
function outcome(i: number, count: number, end: number, spanMs: number): CountedOutcome {
  const at = new Date(end - Math.floor(((i + 0.5) * spanMs) / count));
  const channel = CHANNELS[i % CHANNELS.length]!;
  const type = TYPES[Math.floor(i / CHANNELS.length) % TYPES.length]!;
  const roll = (i * 7919) % 100;
  if (roll < 90) return { at, channel, type, status: 'sent', reason: null, deliveryTimeMs: Math.round(20 + ((i * 104_729) % 1000) ** 2 / 200) };
  if (roll < 96) return { at, channel, type, status: 'failed', reason: ['permanent_failure', 'retries_exhausted', 'expired', 'lease_expired'][roll % 4]!, deliveryTimeMs: null };
  return { at, channel, type, status: 'suppressed', reason: ['preference_opt_out', 'recipient_suppressed', 'no_contact_point'][roll % 3]!, deliveryTimeMs: null };
}

/** Written as the service writes them (its own writer, many outcomes per transaction). */
async function seed(db: Kysely<Database>, count: number, spanMs: number, end: number): Promise<void> {
  for (let from = 0; from < count; from += PER_TRANSACTION) {
    await db.transaction().execute(async (tx) => {
      const counts = new KyselyAnalyticsCounts(tx);
      for (let i = from; i < Math.min(count, from + PER_TRANSACTION); i++) counts.count(outcome(i, count, end, spanMs));
      await counts.flush();
    });
  }
}

/** Folded as retention folds them, vacuumed; answers the rows in both tables. */
async function settle(db: Kysely<Database>, url: string, end: number): Promise<number> {
  await foldAnalytics(db, new Date(end - FOLD_AFTER_MS));
  await sql(url, 'vacuum (analyze) analytics_counts');
  await sql(url, 'vacuum (analyze) analytics_delivery_times');
  const [rows] = await sql<{ n: string }>(url, 'select (select count(*) from analytics_counts) + (select count(*) from analytics_delivery_times) as n');
  return Number(rows!.n);
}

/** Mean ms of `n` transactions each writing a row and counting BATCH outcomes, and of the same counting none. */
async function writeCost(db: Kysely<Database>, n: number): Promise<{ withCounts: number; without: number }> {
  const time = async (counted: number) => {
    const started = performance.now();
    for (let t = 0; t < n; t++) {
      await db.transaction().execute(async (tx) => {
        // A write of its own, as a RecordSendReports transaction has: its commit flushes WAL either way.
        await tx.insertInto('inbox').values({ event_id: `bench-${counted}-${t}-${Math.random()}`, payload_hash: 'h', event_type: 'bench', received_at: new Date() }).execute();
        const counts = new KyselyAnalyticsCounts(tx);
        for (let i = 0; i < counted; i++) counts.count(outcome(t * BATCH + i, 1, Date.now(), 1));
        await counts.flush();
      });
    }
    return (performance.now() - started) / n;
  };
  await time(BATCH);
  return { withCounts: round(await time(BATCH), 3), without: round(await time(0), 3) };
}

/** `count` requests one after another (the console asks one at a time): latency percentiles in ms. */
async function sequential(url: string, headers: Record<string, string>, count: number): Promise<SequentialFigures> {
  const times: number[] = [];
  let non2xx = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    times.push(performance.now() - started);
    if (res.status >= 300) non2xx++;
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => round(times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!, 1);
  return { requests: count, p50: at(0.5), p99: at(0.99), max: round(times.at(-1)!, 1), non2xx };
}

async function measureWindow(bench: Bench, baselinePort: number, label: string, path: string, rows: number, requests: number): Promise<AnalyticsWindowFigures> {
  const service = await bench.startService();
  const headers = { authorization: `Bearer ${ADMIN_API_KEY}` };
  await sequential(`${service.baseUrl}${path}`, headers, 20);
  const check = await fetch(`${service.baseUrl}${path}`, { headers });
  const body = (await check.json()) as { total?: number };
  log(`analytics ${label}: ${check.status}, total ${body.total}; ${requests} summaries one after another, then as many baseline requests`);
  const summary = await sequential(`${service.baseUrl}${path}`, headers, requests);
  await sequential(`http://127.0.0.1:${baselinePort}/baseline/analytics`, {}, 20);
  const baseline = await sequential(`http://127.0.0.1:${baselinePort}/baseline/analytics`, {}, requests);
  log(`analytics ${label}: p50 ${summary.p50} ms, p99 ${summary.p99} ms (baseline p50 ${baseline.p50}, p99 ${baseline.p99})`);
  return { label, path, notifications: body.total ?? 0, rows, service: summary, baseline };
}

/**
 * GET /analytics/summary with 1,000,000 notifications in its window, against a `select 1` baseline:
 * the default day (1,000,000 in the last 24 hours), and 30 days (another 1,000,000 over the 30 days
 * ending 2 days ago). Both written before the service starts: its fold must not meet the seeding.
 */
export async function runAnalytics(bench: Bench, notifications: number, requests: number): Promise<AnalyticsResult> {
  const url = bench.servers.databaseUrl;
  const db = createDatabase({ url, name: 'bench-analytics', max: 2, connectionTimeoutMs: 5_000, statementTimeoutMs: 600_000, queryTimeoutMs: 600_000, onError: () => undefined });
  const child = forkBench('./baseline-server.ts', { BASELINE_DATABASE_URL: bench.servers.standbyUrl });
  try {
    const { port } = await firstMessage<{ port: number }>(child, 'the baseline server');
    const end = Date.now();
    const monthEnd = end - 2 * DAY_MS;
    log(`analytics: writing ${notifications} outcomes over the last 24 hours, and ${notifications} over the 30 days before the last two`);
    await seed(db, notifications, DAY_MS - 120_000, end);
    await seed(db, notifications, 30 * DAY_MS, monthEnd);
    const rows = await settle(db, url, end);
    await waitForStandby(new URL(url).pathname.slice(1));
    const month = `/analytics/summary?from=${new Date(monthEnd - 30 * DAY_MS).toISOString()}&to=${new Date(monthEnd).toISOString()}`;
    const windows = [
      await measureWindow(bench, port, 'default 24 hours', '/analytics/summary', rows, requests),
      await measureWindow(bench, port, '30 days', month, rows, requests),
    ];
    // After the measurements: these outcomes land in the current minute, inside the default window.
    const cost = await writeCost(db, 2_000);
    log(`analytics: a transaction counting ${BATCH} outcomes ${cost.withCounts} ms, without ${cost.without} ms`);
    return { windows, batch: BATCH, transactionMsWithCounts: cost.withCounts, transactionMsWithout: cost.without, extraMsPerBatch: round(cost.withCounts - cost.without, 3) };
  } finally {
    child.kill('SIGTERM');
    await db.destroy();
  }
}
