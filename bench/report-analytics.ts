import type { AnalyticsResult, SequentialFigures } from './results.js';

function table(header: string[], rows: Array<Array<string | number>>): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const row = (name: string, f: SequentialFigures) => [name, f.requests, f.p50, f.p99, f.max, f.non2xx];

/** The analytics phase: the summary over 1,000,000 notifications beside a `select 1` route, and what counting costs a transaction. */
export function analyticsSection(a: AnalyticsResult): string {
  const windows = a.windows.map((w) =>
    [
      `### ${w.label}: \`GET ${w.path.replace(/from=[^&]+&to=[^&]+/, 'from=<32 days ago>&to=<2 days ago>')}\``,
      `${w.notifications} notifications' outcomes in the window (the summary's total). The tables hold 1,000,000 outcomes over the last 24 hours and 1,000,000 over the 30 days before the last two, written by the service's own writer (20,000 per transaction) and folded as retention folds them: ${w.rows} rows in both tables. Requests one after another, as the console asks (after 20 to warm up). Baseline in the same run: an express route doing \`select 1\` through a pg Pool on the standby, the same way.`,
      table(['target', 'requests', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx'], [row('GET /analytics/summary', w.service), row('baseline (select 1)', w.baseline)]),
    ].join('\n\n'),
  );
  return [
    '## Analytics summary',
    ...windows,
    `### What counting costs a delivery`,
    `A transaction that writes a row and counts ${a.batch} outcomes (the delivery worker's batch of send reports: one more statement, the aggregates' upsert, three rows per key): **${a.transactionMsWithCounts} ms** against ${a.transactionMsWithout} ms for the same transaction counting none, sequentially over 2,000 transactions: **${a.extraMsPerBatch} ms per outcome batch**.`,
  ].join('\n\n');
}
