import type { WsResult } from './results.js';

function table(header: string[], rows: Array<Array<string | number>>): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

type Row = [WsResult['service'], WsResult['serviceRssMb'], number, number];

/** The ws phase: the service's fan-out to thousands of streams beside a bare `ws` server's, and the memory it holds per stream. */
export function wsSection(w: WsResult): string {
  const row = (name: string, [f, rss, perKb, cpuUs]: Row) => [name, `${f.receipts} of ${f.expected}`, f.behind, f.p50, f.p99, f.max, rss.before, rss.connected, rss.afterBroadcast, perKb, cpuUs];
  return [
    `${w.clients} WebSocket streams opened to one instance as admins (the firehose, API key in the Authorization header; ${w.connectSeconds} s to open them, 200 handshakes at a time) by a clients' process of its own (bench/ws-clients.ts). After ${w.warmupEvents} warm-up events, ${w.rounds} bursts of ${w.events} events, each published at once and awaited; each event sends an email whose \`notification.sent\` reaches every stream: ${w.rounds * w.events * w.clients} receipts expected. Latency: commit (the outcome event's \`timestamp\`, taken in the transaction that records the send) → receipt at the client, both wall clock on this machine, over every receipt; it includes the outbox relay, the broker hop, and a burst's fan-outs queued behind each other.`,
    `Baseline, in the same run: a bare \`ws\` server (bench/ws-baseline-server.ts, none of the service's code; its own queue on the events exchange, no acks, each body written as it came) broadcasting the same messages to the same number of clients: the frames the clients received from the service, one per event, published again to the broker at the offsets of their commits and stamped with their publish time, the service idle meanwhile.`,
    table(
      ['fan-out by', 'receipts', 'clients behind', 'p50 ms', 'p99 ms', 'max ms', 'RSS before MB', 'RSS streams open MB', 'RSS after the bursts MB', 'RSS per stream KB', 'CPU per receipt µs'],
      [
        row('the service', [w.service, w.serviceRssMb, w.rssPerConnectionKb.service, w.cpuUsPerReceipt.service]),
        row('bare ws server', [w.baseline, w.baselineRssMb, w.rssPerConnectionKb.baseline, w.cpuUsPerReceipt.baseline]),
      ],
    ),
    `p99 of the service / p99 of the bare server: **${w.p99Ratio}**. CPU time over the bursts: the service ${w.cpuMs.service} ms (delivering the emails and recording them too), the bare server ${w.cpuMs.baseline} ms, the clients' process up to ${w.cpuMs.clients} ms. Slow clients the service dropped (notification_ws_slow_clients_dropped_total): ${w.slowClientsDropped}.`,
  ].join('\n\n');
}
