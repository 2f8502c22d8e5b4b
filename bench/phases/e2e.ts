import type { Bench } from '../context.js';
import { mixedEvent } from '../events.js';
import { nextTransactionId } from '../infra.js';
import { machineTicks, processCpuMs } from '../machine.js';
import type { E2eResult, PipelineRun } from '../results.js';
import { log, round } from '../util.js';

/** What consumes the events: the service, or the bare pipeline of the raw bounds. */
export interface Consumer {
  readonly name: string;
  readonly pid: number;
  /** The database it writes, for its count of write transactions. */
  readonly databaseUrl: string;
  /** Throws once the consumer has exited. */
  assertRunning(): void;
}

/**
 * `events` mixed events published at once, after a warm-up, until every email is at the sink and
 * every outcome event is captured. Throughput is events / (first publish → last of those).
 */
export async function measurePipelineRun(bench: Bench, consumer: Consumer, name: string, events: number): Promise<PipelineRun> {
  const warmTag = bench.tag(`${name}w`);
  const warmupEvents = Math.min(500, Math.max(20, Math.round(events / 20)));
  log(`${consumer.name}: warming up with ${warmupEvents} events`);
  await bench.broker.publishAll(warmupEvents, (i) => mixedEvent(warmTag, i));
  await bench.waitForDelivery(warmTag, warmupEvents, consumer);
  await bench.sink.reset();

  const xidBefore = await nextTransactionId(consumer.databaseUrl);
  const tag = bench.tag(name);
  const cpuBefore = processCpuMs(consumer.pid);
  const machineBefore = machineTicks();
  log(`${consumer.name}: publishing ${events} events`);
  const firstAt = await bench.broker.publishAll(events, (i) => mixedEvent(tag, i));
  const done = await bench.waitForDelivery(tag, events, consumer);
  const seconds = (Math.max(done.lastAcceptedAt, done.lastOutcomeAt) - firstAt) / 1_000;
  const cpuMsPerEvent = (processCpuMs(consumer.pid) - cpuBefore) / events;
  const machineAfter = machineTicks();
  const machineBusyPercent = (100 * (machineAfter.busy - machineBefore.busy)) / Math.max(1, machineAfter.total - machineBefore.total);
  const writeTransactionsPerEvent = ((await nextTransactionId(consumer.databaseUrl)) - xidBefore) / events;
  const stats = await bench.sink.stats(tag);
  const throughput = events / seconds;
  log(`${consumer.name}: ${events} events in ${round(seconds)} s: ${round(throughput)} events/s (${round(writeTransactionsPerEvent, 2)} write transactions per event)`);
  await bench.sink.reset();
  return {
    events,
    warmupEvents,
    seconds: round(seconds, 2),
    throughput: round(throughput),
    failed: done.failed,
    avgEmailBytes: Math.round(stats.bytes / Math.max(1, stats.accepted)),
    writeTransactionsPerEvent: round(writeTransactionsPerEvent, 2),
    cpuMsPerEvent: round(cpuMsPerEvent, 2),
    machineBusyPercent: round(machineBusyPercent),
  };
}

/** The service end to end. */
export async function runE2e(bench: Bench, events: number, shortened: boolean): Promise<E2eResult> {
  const service = await bench.startService();
  const consumer: Consumer = { name: 'e2e', pid: service.pid, databaseUrl: bench.servers.databaseUrl, assertRunning: () => service.assertRunning() };
  const run = await measurePipelineRun(bench, consumer, 'e', events);
  return { ...run, shortened };
}
