import { FIXED_RATE_CONNECTIONS } from './phases/history.js';
import type { AnalyticsResult, HttpFigures } from './results.js';

function table(header: string[], rows: Array<Array<string | number>>): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const row = (name: string, f: HttpFigures) => [name, f.maxRps, `${f.achievedRps} of ${f.fixedRate}`, f.p50, f.p99, f.non2xx, f.errors];

/** The analytics phase: the summary over 1,000,000 notifications beside a `select 1` route, and what counting costs a transaction. */
export function analyticsSection(a: AnalyticsResult): string {
  const windows = a.windows.map((w) =>
    [
      `### ${w.label}: \`GET ${w.path.replace(/from=[^&]+/, 'from=<30 days ago>')}\``,
      `${w.notifications} notifications' outcomes in the window (written by the service's own writer, 20,000 per transaction, then folded as retention folds them): ${w.rows} aggregate rows in both tables. Autocannon: unthrottled with 16 connections for 10 s, then ${w.service.fixedRate} requests/s with ${FIXED_RATE_CONNECTIONS} connections. Baseline: an express route doing \`select 1\` through a pg Pool on the standby, same settings.`,
      table(['target', 'max requests/s', 'achieved at fixed rate', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'], [row('GET /analytics/summary', w.service), row('baseline (select 1)', w.baseline)]),
    ].join('\n\n'),
  );
  return [
    '## Analytics summary',
    ...windows,
    `### What counting costs a delivery`,
    `A transaction that reads a row and counts ${a.batch} outcomes (the delivery worker's batch of send reports: one more statement, the aggregates' upsert, three rows per key): **${a.transactionMsWithCounts} ms** against ${a.transactionMsWithout} ms for the same transaction counting none, sequentially over 2,000 transactions: **${a.extraMsPerBatch} ms per outcome batch**.`,
  ].join('\n\n');
}
