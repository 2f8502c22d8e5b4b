import type { Bench } from '../context.js';
import { mixedEvent } from '../events.js';
import { processCpuMs } from '../machine.js';
import type { WsLatency, WsResult, WsRss } from '../results.js';
import { ADMIN_API_KEY } from '../service.js';
import { log, round, sleep } from '../util.js';
import { byBurst, replay } from '../ws-replay.js';
import { WsBaseline, WsClients, assertOpenFiles } from '../ws-world.js';

const WARMUP_EVENTS = 10;
/** Bursts per target, one after the other: the figures are over all their receipts (one burst's vary a lot on a small machine). */
const ROUNDS = 3;
/** Receipts that stop coming for this long are counted missing (a dropped client never gets its share). */
const RECEIPTS_STALL_MS = 10_000;
/** Time for the heap to settle after thousands of handshakes, before RSS is read. */
const SETTLE_MS = 2_000;

export interface WsSettings {
  readonly clients: number;
  readonly events: number;
}

/** Waits until `expected` receipts are in, or they stop coming; answers the receipts' figures. */
async function receipts(clients: WsClients, expected: number): Promise<WsLatency> {
  let last = -1;
  let movedAt = Date.now();
  for (;;) {
    const stats = await clients.stats();
    if (stats.receipts !== last) [last, movedAt] = [stats.receipts, Date.now()];
    if (stats.receipts >= expected || Date.now() - movedAt > RECEIPTS_STALL_MS) return { expected, receipts: stats.receipts, behind: stats.behind, p50: stats.p50, p99: stats.p99, max: stats.max };
    await sleep(200);
  }
}

/** Opens the streams, then reads RSS before, with them open, and after `work`; `cpuOf` processes' CPU time over the work. */
async function measure<T>(clients: WsClients, target: { url: string; headers: Record<string, string>; greeted: boolean; rssMb: () => number; cpuOf: number[] }, settings: WsSettings, work: () => Promise<T>) {
  const rss: { -readonly [K in keyof WsRss]: number } = { before: round(target.rssMb()), connected: 0, afterBroadcast: 0 };
  const opened = await clients.connect(target.url, target.headers, settings.clients, target.greeted);
  if (opened.open < settings.clients) throw new Error(`ws phase: ${opened.open} of ${settings.clients} streams opened to ${target.url} (${opened.failures} failed, first: ${opened.firstFailure})`);
  log(`ws: ${opened.open} streams open to ${target.url} in ${opened.seconds} s`);
  await sleep(SETTLE_MS);
  rss.connected = round(target.rssMb());
  const cpuBefore = target.cpuOf.map(processCpuMs);
  const result = await work();
  const cpuMs = target.cpuOf.map((pid, i) => processCpuMs(pid) - (cpuBefore[i] ?? 0));
  rss.afterBroadcast = round(target.rssMb());
  return { result, rss, cpuMs, connectSeconds: opened.seconds, perStreamKb: round(((rss.connected - rss.before) * 1024) / settings.clients, 2) };
}

/** The service: warm-up, then ROUNDS bursts of real events published at once; the frames received are kept for the baseline. */
async function serviceBursts(bench: Bench, clients: WsClients, settings: WsSettings): Promise<{ latency: WsLatency; frames: readonly string[] }> {
  const warmup = bench.tag('wsw');
  await bench.broker.publishAll(WARMUP_EVENTS, (i) => mixedEvent(warmup, i));
  await bench.waitForDelivery(warmup, WARMUP_EVENTS);
  await receipts(clients, WARMUP_EVENTS * settings.clients);
  await clients.record();
  let latency: WsLatency | null = null;
  for (let n = 1; n <= ROUNDS; n++) {
    const tag = bench.tag(`wsr${n}`);
    await bench.broker.publishAll(settings.events, (i) => mixedEvent(tag, i));
    await bench.waitForDelivery(tag, settings.events);
    latency = await receipts(clients, n * settings.events * settings.clients);
  }
  return { latency: latency!, frames: await clients.frames() };
}

/** The baseline: the same frames replayed through the broker at the pace the service committed them. */
async function baselineBursts(bench: Bench, clients: WsClients, settings: WsSettings, frames: readonly string[]): Promise<WsLatency> {
  const bursts = [...byBurst(frames).values()];
  await replay(bench.broker, (bursts[0] ?? []).slice(0, WARMUP_EVENTS));
  await receipts(clients, WARMUP_EVENTS * settings.clients);
  await clients.record();
  let expected = 0;
  let latency: WsLatency | null = null;
  for (const burst of bursts) {
    await replay(bench.broker, burst);
    expected += burst.length * settings.clients;
    latency = await receipts(clients, expected);
  }
  return latency!;
}

async function slowClientsDropped(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/broker/prometheus`)).text();
  return [...text.matchAll(/^notification_ws_slow_clients_dropped_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

const logged = (name: string, f: WsLatency, cpuMs: number[]) => log(`ws: ${name}: ${f.receipts} of ${f.expected} receipts, commit → receipt p50 ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} ms; CPU ms ${cpuMs.join(', ')}`);

/**
 * 5,000 admin streams on one instance (the firehose, opened with the Authorization header), then
 * bursts of events whose outcomes reach every stream: commit (the event's timestamp) → receipt at
 * the client. The baseline, in the same run: a bare `ws` server broadcasting the same messages
 * (the frames the clients got, replayed through the broker at the pace of their commits) to the
 * same number of clients. RSS before, with the streams open, and after the bursts.
 */
export async function runWs(bench: Bench, settings: WsSettings): Promise<WsResult> {
  assertOpenFiles(settings.clients);
  // Every stream is the one admin key's: its per-key cap (WS_MAX_STREAMS_PER_SUBJECT) must hold them all.
  const service = await bench.restartService({ WS_MAX_STREAMS_PER_SUBJECT: String(settings.clients) });
  const clients = await WsClients.start();
  try {
    await sleep(SETTLE_MS);
    const url = `${service.baseUrl.replace(/^http/, 'ws')}/ws`;
    const target = { url, headers: { authorization: `Bearer ${ADMIN_API_KEY}` }, greeted: true, rssMb: () => service.rssMb(), cpuOf: [service.pid, clients.pid] };
    const served = await measure(clients, target, settings, () => serviceBursts(bench, clients, settings));
    logged('the service', served.result.latency, served.cpuMs);
    const dropped = await slowClientsDropped(service.baseUrl);
    await clients.close();
    const baseline = await WsBaseline.start(bench.servers.rabbitmqUrl);
    try {
      const bareTarget = { url: baseline.url, headers: {}, greeted: false, rssMb: () => baseline.rssMb(), cpuOf: [baseline.pid, clients.pid] };
      const bare = await measure(clients, bareTarget, settings, () => baselineBursts(bench, clients, settings, served.result.frames));
      logged('bare ws server', bare.result, bare.cpuMs);
      await clients.close();
      const perReceiptUs = (cpuMs: number, latency: WsLatency) => round((cpuMs * 1000) / Math.max(1, latency.receipts), 2);
      return {
        clients: settings.clients,
        events: settings.events,
        rounds: ROUNDS,
        warmupEvents: WARMUP_EVENTS,
        connectSeconds: served.connectSeconds,
        service: served.result.latency,
        baseline: bare.result,
        p99Ratio: round(served.result.latency.p99 / Math.max(bare.result.p99, 0.1), 2),
        serviceRssMb: served.rss,
        baselineRssMb: bare.rss,
        rssPerConnectionKb: { service: served.perStreamKb, baseline: bare.perStreamKb },
        cpuMs: { service: served.cpuMs[0] ?? 0, baseline: bare.cpuMs[0] ?? 0, clients: Math.max(served.cpuMs[1] ?? 0, bare.cpuMs[1] ?? 0) },
        cpuUsPerReceipt: { service: perReceiptUs(served.cpuMs[0] ?? 0, served.result.latency), baseline: perReceiptUs(bare.cpuMs[0] ?? 0, bare.result) },
        slowClientsDropped: dropped,
      };
    } finally {
      baseline.stop();
    }
  } finally {
    clients.stop();
  }
}
