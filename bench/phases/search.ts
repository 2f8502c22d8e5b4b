import autocannon from 'autocannon';
import { firstMessage, forkBench } from '../children.js';
import type { Bench } from '../context.js';
import { sql, waitForStandby } from '../infra.js';
import type { SearchCase, SearchResult } from '../results.js';
import { ADMIN_API_KEY } from '../service.js';
import { log, round, waitUntil } from '../util.js';

/** Requests per second for each case (10 connections), a rate on-call's console never reaches. */
export const SEARCH_RATE = 200;
const CONNECTIONS = 10;
const ONE_AT_A_TIME_SECONDS = 6;
const CHUNK = 100_000;
const ROWS_PER_USER = 100;
const ROWS_PER_RECIPIENT = 50;
const DAYS = 90;
const TYPES = ['welcome', 'security_alert', 'order_confirmation', 'order_status_update', 'password_reset', 'email_verification'];
const STATUSES = ['pending', 'scheduled', 'sending', 'sent', 'retrying', 'failed', 'suppressed'];
const CHANNELS = ['email', 'sms', 'push', 'webhook', 'in_app'];

/**
 * `rows` notifications over the last 90 days (created_at to the millisecond, as the service writes
 * it): 100 per user, 50 per recipient, statuses from 85 % sent to none `sending`, channels from 96 %
 * email to 0.2 % webhook, an order id on the order types (one or two notifications per order), one
 * attempt each in attempt_history except the suppressed. Inserted straight into the table; none is
 * due (no next_attempt_at), so the service sends none of them.
 */
async function insertNotifications(databaseUrl: string, rows: number): Promise<void> {
  const spacingMs = (DAYS * 86_400_000) / rows;
  for (let from = 1; from <= rows; from += CHUNK) {
    const to = Math.min(rows, from + CHUNK - 1);
    await sql(
      databaseUrl,
      `insert into notifications (id, user_id, type, channel, recipient, subject, status, reason, priority, order_id, correlation_id, attempt_history, created_at, updated_at)
       select gen_random_uuid(), 'srch-u-' || (g % $3::int), ($5::text[])[1 + g % 6],
              case g % 50 when 0 then 'sms' when 1 then 'push' when 2 then 'in_app' else case when g % 500 = 3 then 'webhook' else 'email' end end,
              'srch-r-' || (g % $4::int) || '@bench.example.com', 'Notification ' || g,
              s.status, case s.status when 'suppressed' then 'preference_opt_out' when 'failed' then 'retries_exhausted' end, 2,
              case when g % 6 in (2, 3) then 'ord-' || (g % ($2::int * 3 / 10)) end, 'corr-' || g,
              case when s.status = 'suppressed' then '[]'::jsonb else jsonb_build_array(jsonb_build_object('number', 1, 'attempted_at', c.at, 'outcome', 'accepted', 'response', '250 OK: queued', 'error', null, 'latency_ms', 15)) end,
              c.at, c.at
       from generate_series($1::int, $6::int) g,
            lateral (select date_trunc('milliseconds', now() - g * $7::float8 * interval '1 millisecond') as at) c,
            lateral (select case when g % 100 < 85 then 'sent' when g % 100 < 92 then 'suppressed' when g % 100 < 96 then 'failed'
                                 when g % 100 < 98 then 'pending' when g % 100 < 99 then 'retrying' else 'scheduled' end as status) s`,
      [from, rows, Math.round(rows / ROWS_PER_USER), Math.round(rows / ROWS_PER_RECIPIENT), TYPES, to, spacingMs],
    );
    log(`  search: ${to} of ${rows} notifications`);
  }
  await sql(databaseUrl, 'vacuum (analyze) notifications');
  // As autovacuum leaves a table: the visibility map covering it (a vacuum right after the inserts
  // may not set it, the standby's feedback holding the horizon back for up to 10 s).
  await waitUntil('the visibility map to cover notifications', async () => {
    await sql(databaseUrl, 'vacuum notifications');
    const [row] = await sql<{ visible: number; pages: number }>(databaseUrl, "select relallvisible as visible, relpages as pages from pg_class where relname = 'notifications'");
    const visible = row?.visible ?? 0;
    return { done: visible >= (row?.pages ?? 1), progress: visible, status: `${visible} of ${row?.pages} pages all-visible` };
  }, 60_000, 1_000);
}

const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)] as T;
const below = (n: number) => Math.floor(Math.random() * n);

/** Each filter's paths, drawn at random per request. */
function cases(rows: number): Array<[string, () => string]> {
  const user = () => `userid=srch-u-${below(rows / ROWS_PER_USER)}`;
  const recipient = () => `recipient=${encodeURIComponent(`srch-r-${below(rows / ROWS_PER_RECIPIENT)}@bench.example.com`)}`;
  // Order ids on rows of the order types only (g % 6 in 2, 3): every one drawn names a notification.
  const order = () => `order_id=ord-${6 * below(rows / 20) + 2 + below(2)}`;
  const day = () => {
    const from = Date.now() - (1 + below(DAYS - 1)) * 86_400_000;
    return `created_from=${new Date(from).toISOString()}&created_to=${new Date(from + 86_400_000).toISOString()}`;
  };
  const status = () => `status=${pick(STATUSES)}`;
  return [
    ['no filter', () => '/notifications'],
    ['no filter, page 50', () => '/notifications?page=50'],
    ['userid', () => `/notifications?${user()}`],
    ['recipient', () => `/notifications?${recipient()}`],
    ['status (any of the 7)', () => `/notifications?${status()}`],
    ['type', () => `/notifications?type=${pick(TYPES)}`],
    ['channel (any of the 5)', () => `/notifications?channel=${pick(CHANNELS)}`],
    ['order_id', () => `/notifications?${order()}`],
    ['created_from + created_to (one day)', () => `/notifications?${day()}`],
    ['userid + status', () => `/notifications?${user()}&${status()}`],
    ['userid + dates', () => `/notifications?${user()}&${day()}`],
    ['recipient + status', () => `/notifications?${recipient()}&${status()}`],
    ['recipient + dates', () => `/notifications?${recipient()}&${day()}`],
    ['order_id + status', () => `/notifications?${order()}&${status()}`],
    ['order_id + dates', () => `/notifications?${order()}&${day()}`],
    ['channel + status', () => `/notifications?channel=${pick(CHANNELS)}&${status()}`],
    ['type + status', () => `/notifications?type=${pick(TYPES)}&${status()}`],
  ];
}

/**
 * A case twice: one request at a time (one connection, back to back: the latency a console sees),
 * then at SEARCH_RATE from CONNECTIONS connections (the machine's two cores shared by the load, the
 * service, both PostgreSQL servers and RabbitMQ).
 */
async function measure(url: string, path: () => string, headers: Record<string, string>, seconds: number): Promise<Omit<SearchCase, 'name' | 'example'>> {
  const run = (duration: number, connections: number, overallRate?: number) =>
    autocannon({
      url,
      connections,
      duration,
      headers,
      ...(overallRate === undefined ? {} : { overallRate, ignoreCoordinatedOmission: true }),
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: path() }) }],
    });
  await run(2, CONNECTIONS, SEARCH_RATE);
  const one = await run(ONE_AT_A_TIME_SECONDS, 1);
  const r = await run(seconds, CONNECTIONS, SEARCH_RATE);
  return {
    achievedRps: round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx + one.non2xx,
    errors: r.errors + one.errors,
    oneAtATime: { p50: one.latency.p50, p99: one.latency.p99, requests: one.requests.total },
  };
}

/** GET /notifications with each filter, and one notification by id, over `rows` notifications; an express `select 1` on the standby as the baseline. */
export async function runSearch(bench: Bench, rows: number, seconds: number): Promise<SearchResult> {
  const { databaseUrl, standbyUrl } = bench.servers;
  log(`search: inserting ${rows} notifications`);
  await insertNotifications(databaseUrl, rows);
  const ids = (await sql<{ id: string }>(databaseUrl, 'select id from notifications tablesample system (1) limit 1000')).map((r) => r.id);
  const [{ n: tableRows } = { n: '0' }] = await sql<{ n: string }>(databaseUrl, 'select count(*)::text as n from notifications');
  await waitForStandby(new URL(databaseUrl).pathname.slice(1));
  await sql(databaseUrl, 'checkpoint');
  await sql(standbyUrl, 'checkpoint');
  const service = await bench.startService();
  const child = forkBench('./baseline-server.ts', { BASELINE_DATABASE_URL: standbyUrl });
  try {
    const { port } = await firstMessage<{ port: number }>(child, 'the baseline server');
    const baseline = { name: 'baseline: express + select 1 on the standby', example: '/baseline/x', ...(await measure(`http://127.0.0.1:${port}`, () => '/baseline/x', {}, seconds)) };
    log(`search: baseline p50 ${baseline.p50} ms, p99 ${baseline.p99} ms; one at a time p99 ${baseline.oneAtATime.p99} ms`);
    const byIdPath = () => `/notifications/${pick(ids)}`;
    const byId = { name: 'GET /notifications/{id}', example: byIdPath(), ...(await measure(service.baseUrl, byIdPath, { authorization: `Bearer ${ADMIN_API_KEY}` }, seconds)) };
    log(`search: by id p50 ${byId.p50} ms, p99 ${byId.p99} ms, one at a time p99 ${byId.oneAtATime.p99} ms, ${byId.non2xx} non-2xx`);
    const measured: SearchCase[] = [];
    for (const [name, path] of cases(rows)) {
      const figures = await measure(service.baseUrl, path, { authorization: `Bearer ${ADMIN_API_KEY}` }, seconds);
      measured.push({ name, example: path(), ...figures });
      log(`search: ${name}: p50 ${figures.p50} ms, p99 ${figures.p99} ms, one at a time p50 ${figures.oneAtATime.p50} / p99 ${figures.oneAtATime.p99} ms, ${figures.non2xx} non-2xx`);
    }
    return { rows, tableRows: Number(tableRows), seconds, rate: SEARCH_RATE, cases: measured, byId, baseline };
  } finally {
    child.kill('SIGTERM');
  }
}
