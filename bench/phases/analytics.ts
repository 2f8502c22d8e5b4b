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
import type { AnalyticsResult, AnalyticsWindowFigures } from '../results.js';
import { ADMIN_API_KEY } from '../service.js';
import { log, round } from '../util.js';
import { measureHttp } from './history.js';

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

/** Written as the service writes them (its own writer, several outcomes per transaction), then folded as retention does. */
async function seed(db: Kysely<Database>, count: number, spanMs: number, end: number): Promise<number> {
  await sql(process.env.ANALYTICS_SEED_URL!, 'truncate analytics_counts, analytics_delivery_times');
  for (let from = 0; from < count; from += PER_TRANSACTION) {
    await db.transaction().execute(async (tx) => {
      const counts = new KyselyAnalyticsCounts(tx);
      for (let i = from; i < Math.min(count, from + PER_TRANSACTION); i++) counts.count(outcome(i, count, end, spanMs));
      await counts.flush();
    });
  }
  await foldAnalytics(db, new Date(end - FOLD_AFTER_MS));
  await sql(process.env.ANALYTICS_SEED_URL!, 'vacuum (analyze) analytics_counts');
  await sql(process.env.ANALYTICS_SEED_URL!, 'vacuum (analyze) analytics_delivery_times');
  const [rows] = await sql<{ n: number }>(process.env.ANALYTICS_SEED_URL!, 'select (select count(*) from analytics_counts) + (select count(*) from analytics_delivery_times) as n');
  return Number(rows!.n);
}

/** Mean ms of `n` transactions each counting BATCH outcomes, less the same transactions counting none. */
async function writeCost(db: Kysely<Database>, n: number): Promise<{ withCounts: number; without: number }> {
  const time = async (counted: number) => {
    const started = performance.now();
    for (let t = 0; t < n; t++) {
      await db.transaction().execute(async (tx) => {
        await tx.selectFrom('notifications').select('id').limit(1).execute();
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

async function measureWindow(bench: Bench, baselinePort: number, label: string, path: string, rows: number, seconds: number): Promise<AnalyticsWindowFigures> {
  const service = await bench.startService();
  const headers = { authorization: `Bearer ${ADMIN_API_KEY}` };
  const check = await fetch(`${service.baseUrl}${path}`, { headers });
  const body = (await check.json()) as { total?: number };
  log(`analytics ${label}: ${check.status}, total ${body.total}; the summary, unthrottled then at a fixed rate`);
  const summary = await measureHttp(service.baseUrl, () => path, 1, headers, seconds);
  const baseline = await measureHttp(`http://127.0.0.1:${baselinePort}`, () => '/baseline/analytics', 1, {}, seconds);
  log(`analytics ${label}: p50 ${summary.p50} ms, p99 ${summary.p99} ms (baseline p50 ${baseline.p50}, p99 ${baseline.p99})`);
  return { label, path, notifications: body.total ?? 0, rows, service: summary, baseline };
}

/** GET /analytics/summary with 1,000,000 notifications in its window (the default day, then 30 days), against a `select 1` baseline. */
export async function runAnalytics(bench: Bench, notifications: number, seconds: number): Promise<AnalyticsResult> {
  process.env.ANALYTICS_SEED_URL = bench.servers.databaseUrl;
  const db = createDatabase({ url: bench.servers.databaseUrl, name: 'bench-analytics', max: 2, connectionTimeoutMs: 5_000, statementTimeoutMs: 600_000, queryTimeoutMs: 600_000, onError: () => undefined });
  const child = forkBench('./baseline-server.ts', { BASELINE_DATABASE_URL: bench.servers.standbyUrl });
  const database = new URL(bench.servers.databaseUrl).pathname.slice(1);
  try {
    const { port } = await firstMessage<{ port: number }>(child, 'the baseline server');
    const windows: AnalyticsWindowFigures[] = [];
    const end = Date.now();
    log(`analytics: seeding ${notifications} outcomes over the last 24 hours`);
    const dayRows = await seed(db, notifications, DAY_MS - 120_000, end);
    await waitForStandby(database);
    windows.push(await measureWindow(bench, port, 'default 24 hours', '/analytics/summary', dayRows, seconds));
    log(`analytics: seeding ${notifications} outcomes over 30 days`);
    const monthRows = await seed(db, notifications, 30 * DAY_MS - 120_000, end);
    await waitForStandby(database);
    const from = new Date(end - 30 * DAY_MS).toISOString();
    windows.push(await measureWindow(bench, port, '30 days', `/analytics/summary?from=${from}`, monthRows, seconds));
    const cost = await writeCost(db, 2_000);
    log(`analytics: a transaction counting ${BATCH} outcomes ${cost.withCounts} ms, without ${cost.without} ms`);
    return { windows, batch: BATCH, transactionMsWithCounts: cost.withCounts, transactionMsWithout: cost.without, extraMsPerBatch: round(cost.withCounts - cost.without, 3) };
  } finally {
    child.kill('SIGTERM');
    await db.destroy();
  }
}
