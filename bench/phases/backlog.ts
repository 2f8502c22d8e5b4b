import { SERVICE_QUEUE } from '../broker.js';
import type { Bench } from '../context.js';
import { mixedEvent } from '../events.js';
import type { BacklogResult } from '../results.js';
import { log, round, wallNow } from '../util.js';

/**
 * `events` queued while the service is stopped, then the service started: the time from its
 * spawn to the last email and outcome event (start-up included) gives the drain rate.
 */
export async function runBacklog(bench: Bench, events: number): Promise<BacklogResult> {
  await bench.stopService();
  await bench.sink.reset();
  const tag = bench.tag('k');
  log(`backlog: publishing ${events} events with the service stopped`);
  await bench.broker.publishAll(events, (i) => mixedEvent(tag, i));
  const queued = await bench.broker.messageCount(SERVICE_QUEUE);
  if (queued < events) throw new Error(`backlog: ${queued} messages queued, expected ${events}`);
  const service = await bench.startService();
  const startupSeconds = (wallNow() - service.spawnedAt) / 1_000;
  const done = await bench.waitForDelivery(tag, events);
  const drainSeconds = (Math.max(done.lastAcceptedAt, done.lastOutcomeAt) - service.spawnedAt) / 1_000;
  const rate = events / drainSeconds;
  log(`backlog: ${events} events drained in ${round(drainSeconds)} s (start-up ${round(startupSeconds)} s): ${round(rate)} events/s`);
  await bench.sink.reset();
  return { events, startupSeconds: round(startupSeconds, 2), drainSeconds: round(drainSeconds, 2), rate: round(rate), failed: done.failed };
}
