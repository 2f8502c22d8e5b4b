import type { Bench } from '../context.js';
import { mixedEvent } from '../events.js';
import type { WsLatency, WsResult } from '../results.js';
import { ADMIN_API_KEY } from '../service.js';
import { log, round, sleep } from '../util.js';
import { WsBaseline, WsClients, assertOpenFiles } from '../ws-world.js';

const WARMUP_EVENTS = 10;
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

/** Warm-up, then a burst of `events` published at once; every outcome event goes to every client. */
async function burst(bench: Bench, clients: WsClients, name: string, settings: WsSettings): Promise<WsLatency> {
  const warmup = bench.tag(`${name}w`);
  await bench.broker.publishAll(WARMUP_EVENTS, (i) => mixedEvent(warmup, i));
  await bench.waitForDelivery(warmup, WARMUP_EVENTS);
  await receipts(clients, WARMUP_EVENTS * settings.clients);
  await clients.record();
  const tag = bench.tag(name);
  await bench.broker.publishAll(settings.events, (i) => mixedEvent(tag, i));
  await bench.waitForDelivery(tag, settings.events);
  const figures = await receipts(clients, settings.events * settings.clients);
  log(`ws: ${name}: ${figures.receipts} of ${figures.expected} receipts, commit → receipt p50 ${figures.p50} ms, p99 ${figures.p99} ms, max ${figures.max} ms`);
  return figures;
}

async function slowClientsDropped(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/broker/prometheus`)).text();
  return [...text.matchAll(/^notification_ws_slow_clients_dropped_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

async function connect(clients: WsClients, url: string, headers: Readonly<Record<string, string>>, settings: WsSettings, greeted: boolean): Promise<number> {
  const opened = await clients.connect(url, headers, settings.clients, greeted);
  if (opened.open < settings.clients) throw new Error(`ws phase: ${opened.open} of ${settings.clients} streams opened to ${url} (${opened.failures} failed, first: ${opened.firstFailure})`);
  log(`ws: ${opened.open} streams open to ${url} in ${opened.seconds} s`);
  await sleep(SETTLE_MS);
  return opened.seconds;
}

/**
 * 5,000 admin streams on one instance (the firehose, opened with the Authorization header), then
 * a burst whose outcome events reach every stream: commit (the event's timestamp) → receipt at
 * the client. The baseline, in the same run: a bare `ws` server relaying the same outcome events
 * from the broker to the same number of clients. RSS of the service before, with the streams
 * open, and after the burst; of the baseline likewise.
 */
export async function runWs(bench: Bench, settings: WsSettings): Promise<WsResult> {
  assertOpenFiles(settings.clients);
  const service = await bench.startService();
  const clients = await WsClients.start();
  try {
    await sleep(SETTLE_MS);
    const serviceRss = { before: round(service.rssMb()), connected: 0, afterBroadcast: 0 };
    const connectSeconds = await connect(clients, `${service.baseUrl.replace(/^http/, 'ws')}/ws`, { authorization: `Bearer ${ADMIN_API_KEY}` }, settings, true);
    serviceRss.connected = round(service.rssMb());
    const served = await burst(bench, clients, 'ws1', settings);
    serviceRss.afterBroadcast = round(service.rssMb());
    const dropped = await slowClientsDropped(service.baseUrl);
    await clients.close();

    const baseline = await WsBaseline.start(bench.servers.rabbitmqUrl);
    try {
      const baselineRss = { before: round(baseline.rssMb()), connected: 0, afterBroadcast: 0 };
      await connect(clients, baseline.url, {}, settings, false);
      baselineRss.connected = round(baseline.rssMb());
      const bare = await burst(bench, clients, 'ws2', settings);
      baselineRss.afterBroadcast = round(baseline.rssMb());
      await clients.close();
      const perConnectionKb = (rss: { before: number; connected: number }) => round(((rss.connected - rss.before) * 1024) / settings.clients, 2);
      return {
        clients: settings.clients,
        events: settings.events,
        warmupEvents: WARMUP_EVENTS,
        connectSeconds,
        service: served,
        baseline: bare,
        p99Ratio: round(served.p99 / Math.max(bare.p99, 0.1), 2),
        serviceRssMb: serviceRss,
        baselineRssMb: baselineRss,
        rssPerConnectionKb: { service: perConnectionKb(serviceRss), baseline: perConnectionKb(baselineRss) },
        slowClientsDropped: dropped,
      };
    } finally {
      baseline.stop();
    }
  } finally {
    clients.stop();
  }
}
