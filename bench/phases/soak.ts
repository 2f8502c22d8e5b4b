import type { Bench } from '../context.js';
import { mixedEvent } from '../events.js';
import type { SoakResult } from '../results.js';
import { log, round, wallNow } from '../util.js';
import { latencyFigures } from './latency.js';

const SAMPLE_EVERY_MS = 10_000;

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/** Open-loop load at 50 per cent of the e2e maximum for `seconds`, the service's RSS sampled every 10 s. */
export async function runSoak(bench: Bench, maxRate: number, seconds: number): Promise<SoakResult> {
  const service = await bench.startService();
  const rate = maxRate / 2;
  const events = Math.max(1, Math.round(rate * seconds));
  const tag = bench.tag('s');
  const samples: Array<{ atSeconds: number; rssMb: number }> = [];
  const start = wallNow();
  const sample = () => samples.push({ atSeconds: round((wallNow() - start) / 1_000), rssMb: round(service.rssMb()) });
  log(`soak: ${round(rate)} events/s for ${seconds} s (${events} events)`);
  sample();
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  const load = async () => {
    const publishedAt = await bench.broker.publishAtRate(events, rate, (i) => mixedEvent(tag, i));
    return { publishedAt, done: await bench.waitForDelivery(tag, events) };
  };
  const { publishedAt, done } = await load().finally(() => clearInterval(timer));
  sample();
  const figures = latencyFigures(publishedAt, done.acceptedAt);
  const rss = samples.map((s) => s.rssMb);
  const firstMb = rss[0] ?? 0;
  // Averages of three samples smooth the garbage collector's saw-tooth.
  const middle = Math.floor(rss.length / 2);
  const midMb = round(mean(rss.slice(Math.max(0, middle - 1), middle + 2)));
  const lastMb = round(mean(rss.slice(-3)));
  const secondHalfGrowthPct = midMb > 0 ? ((lastMb - midMb) / midMb) * 100 : 0;
  log(`soak: RSS first ${firstMb} MB, middle ${midMb} MB, end ${lastMb} MB, max ${Math.max(...rss)} MB; p99 ${figures.p99} ms`);
  await bench.sink.reset();
  const { achievedRate: _achieved, ...latency } = figures;
  return { seconds, rate: round(rate), events, failed: done.failed, samples, firstMb, midMb, lastMb, maxMb: Math.max(...rss), secondHalfGrowthPct: round(secondHalfGrowthPct), ...latency };
}
