import type { Bench } from '../context.js';
import { mixedEvent } from '../events.js';
import type { LatencyFigures, LatencyResult } from '../results.js';
import { log, percentile, round } from '../util.js';

const PERCENTS_OF_MAX = [25, 50, 90];

/** Publish → SMTP acceptance, per recipient, in ms; and the rate at which they were actually published. */
export function latencyFigures(publishedAt: Map<string, number>, acceptedAt: Map<string, number>): LatencyFigures & { achievedRate: number } {
  const latencies: number[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const [recipient, published] of publishedAt) {
    first = Math.min(first, published);
    last = Math.max(last, published);
    const accepted = acceptedAt.get(recipient);
    if (accepted !== undefined) latencies.push(accepted - published);
  }
  latencies.sort((a, b) => a - b);
  const spanSeconds = (last - first) / 1_000;
  return {
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? 0),
    achievedRate: round(spanSeconds > 0 ? (publishedAt.size - 1) / spanSeconds : publishedAt.size),
  };
}

/** Open-loop load at 25, 50 and 90 per cent of the e2e maximum, `seconds` each. */
export async function runLatency(bench: Bench, maxRate: number, seconds: number): Promise<LatencyResult[]> {
  await bench.startService();
  const results: LatencyResult[] = [];
  for (const percentOfMax of PERCENTS_OF_MAX) {
    const offeredRate = (maxRate * percentOfMax) / 100;
    const events = Math.max(1, Math.round(offeredRate * seconds));
    const tag = bench.tag(`l${percentOfMax}`);
    log(`latency: ${percentOfMax}% of the maximum, ${round(offeredRate)} events/s for ${seconds} s`);
    const publishedAt = await bench.broker.publishAtRate(events, offeredRate, (i) => mixedEvent(tag, i));
    const done = await bench.waitForDelivery(tag, events);
    const figures = latencyFigures(publishedAt, done.acceptedAt);
    log(`latency: p50 ${figures.p50} ms, p95 ${figures.p95} ms, p99 ${figures.p99} ms (achieved ${figures.achievedRate} events/s)`);
    results.push({ percentOfMax, offeredRate: round(offeredRate), events, failed: done.failed, ...figures });
    await bench.sink.reset();
  }
  return results;
}
