import type { WsResult } from './results.js';

function table(header: string[], rows: Array<Array<string | number>>): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The ws phase: the service's fan-out to thousands of streams beside a bare `ws` server's, and the memory it holds per stream. */
export function wsSection(w: WsResult): string {
  const row = (name: string, f: WsResult['service'], rss: WsResult['serviceRssMb'], perKb: number) => [name, `${f.receipts} of ${f.expected}`, f.behind, f.p50, f.p99, f.max, rss.before, rss.connected, rss.afterBroadcast, perKb];
  return [
    `${w.clients} WebSocket streams opened to one instance as admins (the firehose, API key in the Authorization header; ${w.connectSeconds} s to open them, 200 handshakes at a time), by a clients' process of its own (bench/ws-clients.ts). Then ${w.events} events published at once (after ${w.warmupEvents} warm-up events), each sending an email whose \`notification.sent\` reaches every stream: ${w.events * w.clients} receipts expected. Latency: commit (the outcome event's \`timestamp\`, taken in the transaction that records the send) → receipt at the client, both wall clock on this machine, over every receipt; it includes the outbox relay and the broker hop.`,
    `Baseline, in the same run: a bare \`ws\` server (bench/ws-baseline-server.ts, none of the service's code) relaying the same kind of outcome events from the broker (its own queue, no acks) to the same number of clients, each body written as it came; the service keeps delivering the burst's emails meanwhile, as in its own measurement.`,
    table(
      ['fan-out by', 'receipts', 'clients behind', 'p50 ms', 'p99 ms', 'max ms', 'RSS before MB', 'RSS with the streams open MB', 'RSS after the burst MB', 'RSS per stream KB'],
      [row('the service', w.service, w.serviceRssMb, w.rssPerConnectionKb.service), row('bare ws server', w.baseline, w.baselineRssMb, w.rssPerConnectionKb.baseline)],
    ),
    `p99 of the service / p99 of the bare server: **${w.p99Ratio}**. Slow clients the service dropped during the run (notification_ws_slow_clients_dropped_total): ${w.slowClientsDropped}.`,
  ].join('\n\n');
}
