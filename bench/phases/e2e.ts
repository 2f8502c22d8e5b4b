import { readFileSync } from 'node:fs';
import type { Bench } from '../context.js';
import { mixedEvent } from '../events.js';
import { sql } from '../infra.js';
import type { E2eResult } from '../results.js';
import { log, round, sleep } from '../util.js';

/** Transactions committed in the service's database so far (pg_stat_database, flushed about every second). */
async function commits(databaseUrl: string): Promise<number> {
  const [row] = await sql<{ commits: string }>(databaseUrl, 'select xact_commit::text as commits from pg_stat_database where datname = current_database()');
  return Number(row?.commits ?? 0);
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time (user + system) of one process so far, in ms. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** Busy and total CPU time of the whole machine so far (all cores), in ticks. */
function machineTicks(): { busy: number; total: number } {
  const [, ...values] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
  const ticks = values.map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * The service end to end: `events` mixed events published at once, until every email is at the
 * sink and every outcome event is captured. Throughput is events / (first publish → last of those).
 */
export async function runE2e(bench: Bench, events: number, shortened: boolean): Promise<E2eResult> {
  const service = await bench.startService();
  const warmTag = bench.tag('w');
  const warmupEvents = Math.min(500, Math.max(20, Math.round(events / 20)));
  log(`e2e: warming up with ${warmupEvents} events`);
  await bench.broker.publishAll(warmupEvents, (i) => mixedEvent(warmTag, i));
  await bench.waitForDelivery(warmTag, warmupEvents);
  await bench.sink.reset();

  const databaseUrl = bench.servers.databaseUrl;
  await sleep(1_100);
  const commitsBefore = await commits(databaseUrl);
  const tag = bench.tag('e');
  const cpuBefore = processCpuMs(service.pid);
  const machineBefore = machineTicks();
  log(`e2e: publishing ${events} events`);
  const firstAt = await bench.broker.publishAll(events, (i) => mixedEvent(tag, i));
  const done = await bench.waitForDelivery(tag, events);
  const seconds = (Math.max(done.lastAcceptedAt, done.lastOutcomeAt) - firstAt) / 1_000;
  const serviceCpuMsPerEvent = (processCpuMs(service.pid) - cpuBefore) / events;
  const machineAfter = machineTicks();
  const machineBusyPercent = (100 * (machineAfter.busy - machineBefore.busy)) / Math.max(1, machineAfter.total - machineBefore.total);
  const stats = await bench.sink.stats(tag);
  await sleep(1_100);
  const commitsPerEvent = ((await commits(databaseUrl)) - commitsBefore) / events;
  const throughput = events / seconds;
  log(`e2e: ${events} events in ${round(seconds)} s: ${round(throughput)} events/s (${round(commitsPerEvent)} database commits per event)`);
  await bench.sink.reset();
  return {
    events,
    warmupEvents,
    shortened,
    seconds: round(seconds, 2),
    throughput: round(throughput),
    failed: done.failed,
    avgEmailBytes: Math.round(stats.bytes / Math.max(1, stats.accepted)),
    commitsPerEvent: round(commitsPerEvent, 2),
    serviceCpuMsPerEvent: round(serviceCpuMsPerEvent, 2),
    machineBusyPercent: round(machineBusyPercent),
  };
}
