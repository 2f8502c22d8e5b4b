import { limitsEnv, SENDS_IN_FLIGHT } from '../channel-limits.js';
import type { Bench } from '../context.js';
import { type MixedWorld, burst, openLoop, warmUp } from '../mixed-batches.js';
import { lastAcceptance } from '../mixed-delivery.js';
import { type Measured, ambiguousAttempts, channelFigures } from '../mixed-figures.js';
import { MIX_CHANNELS, mixedTag } from '../mixed-events.js';
import { ProviderFakesClient } from '../provider-fakes-client.js';
import type { MixedResult } from '../results.js';
import { log, round } from '../util.js';
import { measureProviders } from './raw-providers.js';

type RawFigures = Awaited<ReturnType<typeof measureProviders>>;

const LATENCY_PERCENT_OF_MAX = 50;

export interface MixedSettings {
  readonly events: number;
  readonly rawMessages: number;
  readonly latencySeconds: number;
}

/** The service's part: warm-up, the batch at once (rates), then the open loop at a share of its rate (latencies). */
async function measureService(w: MixedWorld, settings: MixedSettings, raw: RawFigures, since: Date): Promise<MixedResult> {
  const warmupEvents = await warmUp(w, settings.events);
  const tags = { burst: mixedTag(w.bench.runId, 2), loop: mixedTag(w.bench.runId, 3) };
  const measured = await burst(w, tags.burst, settings.events);
  const lastAt = Math.max(measured.done.lastOutcomeAt, ...MIX_CHANNELS.map((c) => lastAcceptance(measured.done.byChannel[c])));
  const seconds = (lastAt - measured.firstAt) / 1_000;
  const throughput = settings.events / seconds;
  log(`mixed: ${settings.events} events in ${round(seconds)} s: ${round(throughput)} events/s`);
  const offeredRate = (throughput * LATENCY_PERCENT_OF_MAX) / 100;
  const loop = await openLoop(w, tags.loop, offeredRate, settings.latencySeconds);
  const m: Measured = { tags, events: settings.events, burst: measured, loop, raw: raw.bounds, ambiguous: await ambiguousAttempts(w.bench, since) };
  const channels = MIX_CHANNELS.map((channel) => channelFigures(channel, m, w.bench));
  for (const c of channels) log(`mixed: ${c.channel} ${c.rate}/s (raw ${c.raw.alone}/s: ${c.ratioToRaw}), p50 ${c.latency.p50} ms, p99 ${c.latency.p99} ms, ${c.duplicates} duplicates, ${c.missing} missing`);
  const email = await w.bench.sink.stats(tags.burst);
  return {
    events: settings.events,
    warmupEvents,
    sendsInFlight: SENDS_IN_FLIGHT,
    seconds: round(seconds, 2),
    throughput: round(throughput),
    failed: w.bench.broker.outcomes.failed(tags.burst),
    cpuMsPerEvent: round(measured.cpuMsPerEvent, 2),
    fakesCpuMsPerEvent: round(measured.fakesCpuMsPerEvent, 2),
    fakesPeakRssMb: round(w.fakes.peakRssMb()),
    machineBusyPercent: round(measured.machineBusyPercent),
    rawMessages: settings.rawMessages,
    rawTogether: raw.together,
    emailBytes: { service: Math.round(email.bytes / Math.max(1, email.accepted)), raw: raw.emailBytes },
    latencyPercentOfMax: LATENCY_PERCENT_OF_MAX,
    latencyOfferedRate: round(offeredRate),
    latencyAchievedRate: loop.achievedRate,
    latencyEvents: loop.events,
    channels,
    exactlyOnce: channels.every((c) => c.duplicates === 0 && c.missing === 0 && c.failed === 0),
  };
}

/**
 * Mixed traffic: the providers' fakes started in a process of their own, their raw bounds measured
 * with the service stopped, then the service pointed at them and measured (measureService). The
 * service is stopped at the end: the phases after it start one without the fakes.
 */
export async function runMixed(bench: Bench, settings: MixedSettings): Promise<MixedResult> {
  const since = new Date();
  await bench.stopService();
  const fakes = await ProviderFakesClient.start();
  try {
    log('mixed: raw bounds of the providers (the service stopped)');
    const raw = await measureProviders(fakes, bench.sink, mixedTag(bench.runId, 9), settings.rawMessages);
    const service = await bench.restartService({ ...fakes.env, ...limitsEnv() });
    return await measureService({ bench, fakes, service }, settings, raw, since);
  } finally {
    await bench.stopService();
    await bench.sink.reset();
    fakes.stop();
  }
}
