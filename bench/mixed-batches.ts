import type { Bench } from './context.js';
import { machineTicks, processCpuMs } from './machine.js';
import { type MixedDelivered, waitForMixed } from './mixed-delivery.js';
import { MIX_CHANNELS, mixedRequest, mixedTag } from './mixed-events.js';
import { latencyFigures } from './phases/latency.js';
import type { ProviderFakesClient } from './provider-fakes-client.js';
import type { ServiceUnderTest } from './service.js';
import { log, round } from './util.js';

/** What a mixed batch needs: the harness, the fakes, and the service pointed at them. */
export interface MixedWorld {
  readonly bench: Bench;
  readonly fakes: ProviderFakesClient;
  readonly service: ServiceUnderTest;
}

/** A batch published at once: when it started, what arrived, and the CPU it took. */
export interface Burst {
  readonly firstAt: number;
  readonly done: MixedDelivered;
  readonly cpuMsPerEvent: number;
  readonly fakesCpuMsPerEvent: number;
  readonly machineBusyPercent: number;
}

/** A batch published open loop: each recipient's publish time, and what arrived. */
export interface OpenLoop {
  readonly events: number;
  readonly publishedAt: Map<string, number>;
  readonly done: MixedDelivered;
  readonly achievedRate: number;
}

function publisher(w: MixedWorld, tag: string) {
  return (i: number) => mixedRequest(tag, i, (path) => w.fakes.webhookUrl(path));
}

/** As the e2e phase warms up: a twentieth of the batch, 20 to 500 events; the providers' counts are reset after. */
export async function warmUp(w: MixedWorld, events: number): Promise<number> {
  const warmupEvents = Math.min(500, Math.max(20, Math.round(events / 20)));
  log(`mixed: warming up with ${warmupEvents} events`);
  const tag = mixedTag(w.bench.runId, 1);
  await w.bench.broker.publishAll(warmupEvents, publisher(w, tag));
  await waitForMixed(w.bench, w.fakes, w.service, tag, warmupEvents);
  await Promise.all([w.bench.sink.reset(), w.fakes.reset()]);
  return warmupEvents;
}

export async function burst(w: MixedWorld, tag: string, events: number): Promise<Burst> {
  const { service, fakes } = w;
  const [cpuBefore, fakesBefore, machineBefore] = [processCpuMs(service.pid), processCpuMs(fakes.pid), machineTicks()];
  log(`mixed: publishing ${events} events`);
  const firstAt = await w.bench.broker.publishAll(events, publisher(w, tag));
  const done = await waitForMixed(w.bench, fakes, service, tag, events);
  const machineAfter = machineTicks();
  return {
    firstAt,
    done,
    cpuMsPerEvent: (processCpuMs(service.pid) - cpuBefore) / events,
    fakesCpuMsPerEvent: (processCpuMs(fakes.pid) - fakesBefore) / events,
    machineBusyPercent: (100 * (machineAfter.busy - machineBefore.busy)) / Math.max(1, machineAfter.total - machineBefore.total),
  };
}

/** `rate` events/s for `seconds`, on a timer schedule whatever the service does. */
export async function openLoop(w: MixedWorld, tag: string, rate: number, seconds: number): Promise<OpenLoop> {
  const events = Math.max(MIX_CHANNELS.length, Math.round(rate * seconds));
  log(`mixed: open loop, ${round(rate)} events/s for ${seconds} s`);
  const publishedAt = await w.bench.broker.publishAtRate(events, rate, publisher(w, tag));
  const done = await waitForMixed(w.bench, w.fakes, w.service, tag, events);
  return { events, publishedAt, done, achievedRate: latencyFigures(publishedAt, new Map()).achievedRate };
}
