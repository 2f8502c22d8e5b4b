/**
 * The benchmark harness (`make bench`, `make bench-soak`): raw bounds of SMTP, RabbitMQ and
 * PostgreSQL on this machine, then the built service end to end against them. Writes
 * bench/results/*.json and docs/benchmarks.md. Knobs: see bench/config.ts and docs/benchmarks.md.
 */
import { randomBytes } from 'node:crypto';
import { BenchBroker } from './broker.js';
import { killChildren } from './children.js';
import { type BenchConfig, readConfig } from './config.js';
import { Bench } from './context.js';
import { evaluateGoals } from './goals.js';
import { PRIMARY, STANDBY, autovacuumSetting, createVhost, dropVhost, vacuumDatabase, migrate, postgresVersion, recreateDatabase, vhostUrl, waitForStandby } from './infra.js';
import { describeRun } from './machine.js';
import { runBacklog } from './phases/backlog.js';
import { runE2e } from './phases/e2e.js';
import { runAnalytics } from './phases/analytics.js';
import { runHistory } from './phases/history.js';
import { runLatency } from './phases/latency.js';
import { runMixed } from './phases/mixed.js';
import { measurePipeline } from './phases/raw-pipeline.js';
import { measurePostgres } from './phases/raw-postgres.js';
import { measureRabbitmq } from './phases/raw-rabbitmq.js';
import { measureSmtp } from './phases/raw-smtp.js';
import { runSchedules } from './phases/schedules.js';
import { runSearch } from './phases/search.js';
import { runSoak } from './phases/soak.js';
import { runWs } from './phases/ws.js';
import type { BenchResult } from './results.js';
import { SinkClient } from './sink-client.js';
import { summary, writeResults } from './report.js';
import { log, round, wallNow } from './util.js';

// BENCH_DATABASE / BENCH_VHOST: names of one's own, so that two runs on one machine (two worktrees)
// do not recreate each other's database or drop each other's vhost.
const DATABASE = process.env.BENCH_DATABASE || 'bench_notifications';
const VHOST = process.env.BENCH_VHOST || 'bench';
/** The most events of an e2e run made only to measure the maximum for latency, backlog, schedules or soak. */
const SHORT_E2E_EVENTS = 5_000;

let broker: BenchBroker | null = null;

/** Kills every child process, closes the broker client and drops the bench vhost; the database stays. */
async function cleanUp(): Promise<void> {
  killChildren();
  await broker?.close();
  broker = null;
  await dropVhost(VHOST);
}

function settingsOf(cfg: BenchConfig, autovacuum: string): Record<string, string | number> {
  return {
    autovacuum: autovacuum === 'on' ? 'on' : `${autovacuum} (the server's configuration; the bench does not change it)`,
    phases: cfg.phases.join(','),
    events: cfg.events,
    backlog: cfg.backlog,
    ...(cfg.phases.includes('schedules') ? { schedulesRecurring: cfg.schedulesRecurring, schedulesOneOff: cfg.schedulesOneOff } : {}),
    historyRows: cfg.historyRows,
    latencySeconds: cfg.latencySeconds,
    ...(cfg.phases.includes('search') ? { searchRows: cfg.searchRows, searchSeconds: cfg.searchSeconds } : {}),
    ...(cfg.phases.includes('mixed') ? { mixedEvents: cfg.mixedEvents, mixedRawMessages: cfg.mixedRawMessages } : {}),
    ...(cfg.phases.includes('soak') ? { soakSeconds: cfg.soakSeconds } : {}),
    ...(cfg.phases.includes('ws') ? { wsClients: cfg.wsClients, wsEvents: cfg.wsEvents } : {}),
  };
}

async function main(): Promise<void> {
  const cfg = readConfig();
  const runId = randomBytes(2).toString('hex');
  const has = (phase: BenchConfig['phases'][number]) => cfg.phases.includes(phase);
  const needsMaximum = has('latency') || has('backlog') || has('schedules') || has('soak');

  log(`run ${runId}: phases ${cfg.phases.join(', ')}; database ${DATABASE}, vhost ${VHOST}`);
  const autovacuum = await autovacuumSetting();
  if (autovacuum !== 'on') log(`autovacuum is ${autovacuum} on this server: measured as it is`);
  await recreateDatabase(DATABASE);
  await migrate(`${PRIMARY}/${DATABASE}`);
  await waitForStandby(DATABASE);
  await createVhost(VHOST);
  const sink = await SinkClient.start();
  broker = await BenchBroker.connect(vhostUrl(VHOST));
  const servers = { databaseUrl: `${PRIMARY}/${DATABASE}`, standbyUrl: `${STANDBY}/${DATABASE}`, rabbitmqUrl: vhostUrl(VHOST), smtpPort: sink.port };
  const bench = new Bench(runId, servers, sink, broker);
  const result: BenchResult = { meta: describeRun(runId, { postgres: await postgresVersion(), rabbitmq: broker.serverVersion }, settingsOf(cfg, autovacuum)) };

  // Each phase's peak RSS of the service is its own: the peak is reset between phases. Each phase
  // starts on a vacuumed database: the dead row versions the phase before left (about three per
  // event) would otherwise be autovacuum's work during this phase's measurement. Measured: one
  // autovacuum pass over notifications, outbox, inbox and attempts after the e2e burst stalled the
  // pipeline for 2 s in the middle of the 50 % latency run (latencies of 200-380 ms while the
  // service's event loop was never held up more than 21 ms).
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = wallNow();
    await vacuumDatabase(servers.databaseUrl);
    log(`${name}: the service's database vacuumed first (${round((wallNow() - started) / 1_000)} s)`);
    bench.phase = name;
    const value = await work();
    bench.notePeak();
    return value;
  };
  if (has('raw')) {
    log('raw bounds');
    const smtp = await measureSmtp(sink, cfg.rawSmtpMessages);
    const rabbitmq = await measureRabbitmq(vhostUrl(VHOST), cfg.rawRabbitmqMessages);
    const postgres = await measurePostgres(cfg.rawPostgresSeconds);
    log('raw bounds: the bare pipeline');
    const pipeline = await measurePipeline(bench, cfg.rawPipelineEvents, smtp.best.connections);
    result.raw = { smtp, rabbitmq, postgres, pipeline };
  }
  if (has('e2e') || needsMaximum) {
    const events = has('e2e') ? cfg.events : Math.min(cfg.events, SHORT_E2E_EVENTS);
    result.e2e = await phase('e2e', () => runE2e(bench, events, !has('e2e')));
  }
  const maximum = result.e2e?.throughput ?? 0;
  if (has('latency')) result.latency = await phase('latency', () => runLatency(bench, maximum, cfg.latencySeconds));
  if (has('backlog')) result.backlog = await phase('backlog', () => runBacklog(bench, cfg.backlog));
  if (has('schedules')) result.schedules = await phase('schedules', () => runSchedules(bench, cfg.schedulesRecurring, cfg.schedulesOneOff));
  if (has('history')) result.history = await phase('history', () => runHistory(bench, cfg.historyRows, cfg.historySeconds));
  if (has('search')) result.search = await phase('search', () => runSearch(bench, cfg.searchRows, cfg.searchSeconds));
  if (has('analytics')) result.analytics = await phase('analytics', () => runAnalytics(bench, cfg.historyRows, 500));
  if (has('mixed')) result.mixed = await phase('mixed', () => runMixed(bench, { events: cfg.mixedEvents, rawMessages: cfg.mixedRawMessages, latencySeconds: cfg.latencySeconds }));
  if (has('ws')) result.ws = await phase('ws', () => runWs(bench, { clients: cfg.wsClients, events: cfg.wsEvents }));
  if (has('soak')) result.soak = await phase('soak', () => runSoak(bench, maximum, cfg.soakSeconds));
  await bench.stopService();
  sink.stop();

  result.serviceRssMb = Object.fromEntries(Object.entries(bench.peakRssMb).map(([name, mb]) => [name, round(mb)]));
  result.goals = evaluateGoals(result);
  const file = writeResults(result);
  process.stdout.write(summary(result, file));
}

process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}

main()
  .then(cleanUp)
  .catch(async (error: unknown) => {
    console.error('bench failed:', error instanceof Error ? error.message : error);
    await cleanUp();
    process.exit(1);
  });
