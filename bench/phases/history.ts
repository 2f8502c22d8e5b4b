import autocannon from 'autocannon';
import { firstMessage, forkBench } from '../children.js';
import type { Bench } from '../context.js';
import { sql, waitForStandby } from '../infra.js';
import type { HistoryResult, HttpFigures } from '../results.js';
import { ADMIN_API_KEY } from '../service.js';
import { log, round } from '../util.js';

const FIXED_RATE = 500;
/** Connections for the unthrottled maximum. */
const MAX_CONNECTIONS = 16;
/**
 * Connections at the fixed rate. autocannon paces each connection by one-second windows (its
 * share of the rate sent back to back, then a pause), so more connections make burstier load;
 * 10 connections of 50 requests/s each keep up as long as a request takes under 20 ms.
 */
export const FIXED_RATE_CONNECTIONS = 10;
const ROWS_PER_USER = 100;
const CHUNK = 100_000;

/**
 * `rows` notifications spread over rows/100 users (`hist-<n>`), newest every 5 s back in time, with
 * one attempt each except the suppressed ones; inserted in chunks straight into the tables (the
 * trigger of migration 20261122T0400 fills each row's attempt_history, as for the service's writes).
 */
async function insertHistory(databaseUrl: string, rows: number, users: number): Promise<void> {
  for (let from = 1; from <= rows; from += CHUNK) {
    const to = Math.min(rows, from + CHUNK - 1);
    await sql(
      databaseUrl,
      `with n as (
         insert into notifications (id, user_id, type, channel, recipient, subject, template_vars, status, suppression_reason,
                                    scheduled_attempts, correlation_id, source_event_id, created_at, updated_at)
         select gen_random_uuid(), 'hist-' || (g % $3::int), (array['welcome','security_alert','order_confirmation','order_status_update','password_reset','email_verification'])[1 + g % 6],
                'email', 'hist-' || (g % $3::int) || '@bench.example.com', 'Notification ' || g, jsonb_build_object('username', 'User ' || g),
                case when g % 97 = 0 then 'suppressed' when g % 50 = 0 then 'failed' else 'sent' end,
                case when g % 97 = 0 then 'preference_opt_out' end,
                1, 'corr-' || g, 'hist-event-' || g, now() - g * interval '5 seconds', now() - g * interval '5 seconds' + interval '1 second'
         from generate_series($1::int, $2::int) g
         returning id, status, created_at)
       insert into notification_attempts (notification_id, number, attempted_at, outcome, response, error, latency_ms)
       select id, 1, created_at + interval '1 second',
              case status when 'failed' then 'permanent_failure' else 'accepted' end,
              case status when 'failed' then '550 mailbox unavailable' else '250 OK: queued' end, null, 15
       from n where status <> 'suppressed'`,
      [from, to, users],
    );
    log(`  history: ${to} of ${rows} rows`);
  }
  // Vacuumed as well as analysed: otherwise autovacuum, due after a million inserts, runs during
  // the measurement and takes CPU from the service and the baseline alike.
  await sql(databaseUrl, 'vacuum (analyze) notifications');
  await sql(databaseUrl, 'vacuum (analyze) notification_attempts');
}

function randomUser(users: number): number {
  return Math.floor(Math.random() * users);
}

async function cannon(url: string, path: (user: number) => string, users: number, headers: Record<string, string>, seconds: number, overallRate?: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: overallRate ? FIXED_RATE_CONNECTIONS : MAX_CONNECTIONS,
    duration: seconds,
    headers,
    // At a fixed rate its coordinated-omission correction assumes one request per millisecond per
    // connection (ceil(1 / rate)): plain measured latencies instead.
    ...(overallRate ? { overallRate, ignoreCoordinatedOmission: true } : {}),
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: path(randomUser(users)) }) }],
  });
}

/** Unthrottled for the maximum, then a fixed 500 requests/s for the latency (after a 3 s warm-up). */
export async function measureHttp(url: string, path: (user: number) => string, users: number, headers: Record<string, string>, seconds: number): Promise<HttpFigures> {
  await cannon(url, path, users, headers, 3);
  const max = await cannon(url, path, users, headers, 10);
  const fixed = await cannon(url, path, users, headers, seconds, FIXED_RATE);
  return {
    maxRps: round(max.requests.average),
    fixedRate: FIXED_RATE,
    achievedRps: round(fixed.requests.average),
    p50: fixed.latency.p50,
    p99: fixed.latency.p99,
    requests: fixed.requests.total,
    non2xx: fixed.non2xx + max.non2xx,
    errors: fixed.errors + max.errors,
  };
}

/** GET /notifications/history/{userid} with `rows` notifications in the table, against an express `select 1` baseline. */
export async function runHistory(bench: Bench, rows: number, seconds: number): Promise<HistoryResult> {
  const users = Math.max(1, Math.round(rows / ROWS_PER_USER));
  log(`history: inserting ${rows} notifications for ${users} users`);
  await insertHistory(bench.servers.databaseUrl, rows, users);
  await waitForStandby(new URL(bench.servers.databaseUrl).pathname.slice(1));
  // The load wrote more WAL than max_wal_size: checkpoints now, on the primary and (a restartpoint)
  // on the standby, rather than while the endpoint and the baseline are measured.
  await sql(bench.servers.databaseUrl, 'checkpoint');
  await sql(bench.servers.standbyUrl, 'checkpoint');
  const service = await bench.startService();
  const child = forkBench('./baseline-server.ts', { BASELINE_DATABASE_URL: bench.servers.standbyUrl });
  try {
    const { port } = await firstMessage<{ port: number }>(child, 'the baseline server');
    log(`history: the service's history endpoint, unthrottled then ${FIXED_RATE} requests/s`);
    const serviceFigures = await measureHttp(service.baseUrl, (u) => `/notifications/history/hist-${u}`, users, { authorization: `Bearer ${ADMIN_API_KEY}` }, seconds);
    log(`history: ${serviceFigures.maxRps} requests/s max; at ${FIXED_RATE}/s p50 ${serviceFigures.p50} ms, p99 ${serviceFigures.p99} ms, ${serviceFigures.non2xx} non-2xx`);
    log(`history: the baseline (express + select 1)`);
    const baseline = await measureHttp(`http://127.0.0.1:${port}`, (u) => `/baseline/hist-${u}`, users, {}, seconds);
    log(`history: baseline ${baseline.maxRps} requests/s max; at ${FIXED_RATE}/s p50 ${baseline.p50} ms, p99 ${baseline.p99} ms`);
    return { rows, users, seconds, service: serviceFigures, baseline, p99Ratio: round(serviceFigures.p99 / Math.max(1, baseline.p99), 2) };
  } finally {
    child.kill('SIGTERM');
  }
}
