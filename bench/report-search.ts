import type { SearchCase, SearchResult } from './results.js';

function row(c: SearchCase): string {
  return `| ${c.name} | \`${c.example.replace(/\|/g, '\\|')}\` | ${c.oneAtATime.p50} | ${c.oneAtATime.p99} | ${c.achievedRps} | ${c.p50} | ${c.p99} | ${c.non2xx} | ${c.errors} |`;
}

/** The search phase: each filter's latency through the REST API, beside a bare `select 1` on the standby. */
export function searchSection(s: SearchResult): string {
  const worst = s.cases.reduce((a, b) => (b.oneAtATime.p99 > a.oneAtATime.p99 ? b : a));
  const loaded = s.cases.reduce((a, b) => (b.p99 > a.p99 ? b : a));
  return [
    `${s.rows} notifications seeded over 90 days (${s.tableRows} in the table; 100 per user, 50 per recipient, statuses from 85 % sent to none sending, channels from 96 % email to 0.2 % webhook, an order id on a third), \`GET /notifications?...\` with a page of 20 (the default) and \`GET /notifications/{id}\`, read from the standby, each case with values drawn at random per request, autocannon after a 2 s warm-up: first one request at a time (one connection, back to back, 6 s: the latency a console sees), then ${s.rate} requests/s from 10 connections for ${s.seconds} s (latencies without its coordinated-omission correction). Baseline: an express route doing \`select 1\` through a pg Pool on the standby, same settings.`,
    ['| case | example | one at a time p50 ms | one at a time p99 ms | loaded achieved/s | loaded p50 ms | loaded p99 ms | non-2xx | errors |', '|---|---|---|---|---|---|---|---|---|', row(s.baseline), row(s.byId), ...s.cases.map(row)].join('\n'),
    `Worst p99 of a filter one request at a time: **${worst.oneAtATime.p99} ms** (${worst.name}; the baseline's ${s.baseline.oneAtATime.p99} ms); under load: ${loaded.p99} ms (${loaded.name}), ${Math.round((loaded.p99 / Math.max(1, s.baseline.p99)) * 100) / 100} × the baseline's. The primary-key lookup: ${s.byId.oneAtATime.p99} ms one at a time, ${s.byId.p99} ms under load.`,
  ].join('\n\n');
}

