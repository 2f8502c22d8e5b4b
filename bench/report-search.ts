import type { SearchCase, SearchResult } from './results.js';

function row(c: SearchCase): string {
  return `| ${c.name} | \`${c.example.replace(/\|/g, '\\|')}\` | ${c.achievedRps} | ${c.p50} | ${c.p99} | ${c.non2xx} | ${c.errors} |`;
}

/** The search phase: each filter's latency through the REST API, beside a bare `select 1` on the standby. */
export function searchSection(s: SearchResult): string {
  const worst = s.cases.reduce((a, b) => (b.p99 > a.p99 ? b : a));
  return [
    `${s.rows} notifications seeded over 90 days (${s.tableRows} in the table; 100 per user, 50 per recipient, statuses from 85 % sent to none sending, channels from 96 % email to 0.2 % webhook, an order id on a third), \`GET /notifications?...\` with a page of 20 (the default) and \`GET /notifications/{id}\`, read from the standby, each case with values drawn at random per request, autocannon at ${s.rate} requests/s with 10 connections for ${s.seconds} s after a 2 s warm-up (latencies without its coordinated-omission correction). Baseline: an express route doing \`select 1\` through a pg Pool on the standby, same settings.`,
    ['| case | example | achieved/s | p50 ms | p99 ms | non-2xx | errors |', '|---|---|---|---|---|---|---|', row(s.baseline), row(s.byId), ...s.cases.map(row)].join('\n'),
    `Worst p99 of a filter: **${worst.p99} ms** (${worst.name}), ${Math.round((worst.p99 / Math.max(1, s.baseline.p99)) * 100) / 100} × the baseline's; the primary-key lookup's ${s.byId.p99} ms.`,
  ].join('\n\n');
}

