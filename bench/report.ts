import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { EVENT_MIX } from './events.js';
import { FIXED_RATE_CONNECTIONS } from './phases/history.js';
import { analyticsSection } from './report-analytics.js';
import { mixedSection } from './report-mixed.js';
import { wsSection } from './report-ws.js';
import { searchSection } from './report-search.js';
import type { BenchResult, Goal, HttpFigures, PipelineBound, SchedulesResult, SearchCase } from './results.js';
import { round } from './util.js';

const RESULTS_DIR = 'bench/results';
const DOC = 'docs/benchmarks.md';

const passText = (pass: boolean | null) => (pass === null ? 'not measured' : pass ? 'PASS' : 'FAIL');
const valueText = (g: Goal) => (g.value === null ? '–' : `${g.value}${g.unit ? ` ${g.unit}` : ''}`);

function readJson(path: string): BenchResult | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as BenchResult) : null;
}

/**
 * Writes `<date>.json` and `latest.json` (`-soak` for a soak run), and `latest-schedules.json` or
 * `latest-mixed.json` for a run with the schedules or the mixed phase (only those for such a run
 * without the raw bounds and history), then renders docs/benchmarks.md from the latest files.
 */
export function writeResults(result: BenchResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const suffix = result.soak ? '-soak' : '';
  const stamp = result.meta.date.replace(/[:.]/g, '-');
  const file = `${RESULTS_DIR}/${stamp}${suffix}.json`;
  const json = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(file, json);
  // A run of the schedules or the mixed phase alone (with the e2e run it is measured against)
  // replaces only its own latest file: the full run's figures stay on the page.
  const ownOnly = (result.schedules !== undefined || result.mixed !== undefined || result.ws !== undefined || result.search !== undefined || result.analytics !== undefined) && result.raw === undefined && result.history === undefined;
  if (!ownOnly) writeFileSync(`${RESULTS_DIR}/latest${suffix}.json`, json);
  if (result.schedules) writeFileSync(`${RESULTS_DIR}/latest-schedules.json`, json);
  if (result.mixed) writeFileSync(`${RESULTS_DIR}/latest-mixed.json`, json);
  if (result.ws) writeFileSync(`${RESULTS_DIR}/latest-ws.json`, json);
  if (result.search) writeFileSync(`${RESULTS_DIR}/latest-search.json`, json);
  if (result.analytics) writeFileSync(`${RESULTS_DIR}/latest-analytics.json`, json);
  const latest = (name: string) => readJson(`${RESULTS_DIR}/latest${name}.json`);
  writeFileSync(DOC, renderMarkdown(latest(''), latest('-soak'), latest('-schedules'), latest('-mixed'), latest('-ws'), latest('-search'), latest('-analytics')));
  return file;
}

function table(header: string[], rows: Array<Array<string | number>>): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function metaSection(r: BenchResult): string {
  const m = r.meta;
  return [
    `- date: ${m.date} (run ${m.runId}), commit ${m.git.commit}${m.git.dirty ? ' with uncommitted changes in src/ or templates/' : ''}`,
    `- machine: ${m.machine.cpu}, ${m.machine.cores} cores, ${m.machine.memoryGb} GB, ${m.machine.os}`,
    `- versions: ${Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `- settings: ${Object.entries(m.settings).map(([k, v]) => `${k}=${v}`).join(', ')}`,
  ].join('\n');
}

function goalsTable(goals: Goal[]): string {
  return table(['goal', 'target', 'measured', 'result'], goals.map((g) => [g.name, g.target, valueText(g), passText(g.pass)]));
}

function httpRow(name: string, f: HttpFigures): Array<string | number> {
  return [name, f.maxRps, `${f.achievedRps} of ${f.fixedRate}`, f.p50, f.p99, f.non2xx, f.errors];
}

function pipelineText(p: PipelineBound, smtpBound: number): string {
  return [
    `The bare pipeline (bench/bare-pipeline.ts): every event's durable work, by a plain loop with the same libraries and servers and none of the service's code: consume (prefetch ${p.prefetch}), one transaction (inbox row, preferences read, notification row), ack, one SMTP transaction (${p.smtpConnections} pooled connections, the best above), the outcome with its outbox row (batched), the outcome event published with a confirm and its outbox row marked.`,
    `${p.events} mixed events after ${p.warmupEvents} warm-up events, measured as the end-to-end run below: ${p.seconds} s, **${p.throughput} events/s** = **${round(p.throughput / smtpBound, 2)}** of the raw SMTP bound. ${p.writeTransactionsPerEvent} database write transactions per event; the pipeline process used ${p.cpuMsPerEvent} ms of CPU per event; the whole machine was ${p.machineBusyPercent} % busy. This is what the machine allows for the pipeline, one transaction per event, when the service's own code costs nothing; the SMTP bound is measured with the database and the broker idle.`,
  ].join('\n\n');
}

function schedulesSection(s: SchedulesResult, e2eThroughput: number | undefined, ownRun = false): string {
  const ratio = e2eThroughput ? ` = **${round(s.rate / e2eThroughput, 2)}** of the end-to-end throughput${ownRun ? ` of the same run (${e2eThroughput} events/s)` : ''}` : '';
  const later =
    s.laterOccurrences === 0
      ? 'The recurring schedules fired no second occurrence (the measurement ended before the next minute).'
      : `The measurement lasted past the next minute: the recurring schedules fired ${s.laterOccurrences} later occurrences (${s.laterOccurrencesDuringMeasurement} of them before the last email), counted apart; ${s.repeatsTooEarly} fired before their minute.`;
  return [
    ...(ownRun ? [] : ['## Scheduled sends']),
    `${s.recurring} recurring schedules (\`* * * * *\`, UTC) and ${s.oneOff} one-off schedules, each a \`welcome\` to an address of its own, all due at the same minute boundary (${s.dueAt}), inserted straight into the table with the service stopped (${s.insertSeconds} s), the service started ${s.serviceUpBeforeDueSeconds} s before that minute. From the minute to the last of the ${s.occurrences} emails at the sink and outcome events captured: ${s.seconds} s, **${s.rate} occurrences/s** fired and delivered${ratio}.`,
    `First firing ${s.firstFiringLatenessMs} ms after the minute (first email at the sink after ${s.firstEmailLatenessMs} ms). The last occurrence fired ${s.firingSeconds} s after the minute: firing alone (one transaction per occurrence, several at once per instance: FIRING_CONCURRENCY in src/entrypoints/composition/schedules.factories.ts) made ${s.firingRate} occurrences/s. ${s.failed} notification.failed.`,
    `Exactly once: ${s.occurrencesRecorded} occurrences recorded (schedule_occurrences) of ${s.occurrences}, ${s.refused} refused; ${s.keyedNotifications} distinct occurrence keys among the notifications' sources, ${s.missing} missing, ${s.duplicateNotifications} duplicate notifications, ${s.duplicateEmails} duplicate emails: **${s.exactlyOnce ? 'exactly once' : 'NOT exactly once'}**. ${later}`,
  ].join('\n\n');
}

function mainSections(r: BenchResult): string[] {
  const out: string[] = [];
  out.push(`## Goals\n\n${goalsTable(r.goals ?? [])}`);
  if (r.raw) {
    const { smtp, rabbitmq, postgres } = r.raw;
    out.push(
      [
        '## Raw bounds',
        `nodemailer (pooled) into the SMTP sink process, ${smtp.messages} messages of ${smtp.messageBytes} bytes per connection count:`,
        table(['connections', 'messages/s'], smtp.byConnections.map((c) => [c.connections, c.rate])),
        `Best: **${smtp.best.rate} messages/s** at ${smtp.best.connections} connections (the service's default SMTP_MAX_CONNECTIONS is 5).`,
        `RabbitMQ, quorum queue, ${rabbitmq.messages} messages of ${rabbitmq.messageBytes} bytes: publish with confirms **${rabbitmq.publishConfirmRate}/s**; consume with one ack each (prefetch ${rabbitmq.prefetch}) **${rabbitmq.consumeAckRate}/s**.`,
        `PostgreSQL, ${postgres.connections} connections for ${postgres.seconds} s, transactions of one inbox row + one notification row: **${postgres.rate} transactions/s**.`,
        ...(r.raw.pipeline ? [pipelineText(r.raw.pipeline, smtp.best.rate)] : []),
      ].join('\n\n'),
    );
  }
  if (r.e2e) {
    const e = r.e2e;
    const pipeline = r.raw?.pipeline;
    const ratio = r.raw ? ` = **${round(e.throughput / r.raw.smtp.best.rate, 2)}** of the raw SMTP bound${pipeline ? ` and **${round(e.throughput / pipeline.throughput, 2)}** of the bare pipeline` : ''}` : '';
    out.push(
      [
        '## End to end',
        `${e.events} mixed events${e.shortened ? ' (a shortened run, to find the maximum for the phases after it)' : ''}, published at once after ${e.warmupEvents} warm-up events, until every email was at the sink and every outcome event on the capture queue: ${e.seconds} s, **${e.throughput} events/s**${ratio}.`,
        `${e.failed} notification.failed; ${e.avgEmailBytes} bytes per email on the wire; ${e.writeTransactionsPerEvent} database write transactions per event (transaction ids assigned; read-only ones, such as idle polls, get none). The service process used ${e.cpuMsPerEvent} ms of CPU per event; the whole machine was ${e.machineBusyPercent} % busy (all cores) during the run.`,
      ].join('\n\n'),
    );
  }
  if (r.latency) {
    out.push(
      [
        '## Latency, publish → SMTP acceptance',
        'Open loop: events published on a timer schedule at a fixed share of the end-to-end maximum, whatever the service does.',
        table(
          ['load', 'offered/s', 'achieved/s', 'events', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
          r.latency.map((l) => [`${l.percentOfMax}%`, l.offeredRate, l.achievedRate, l.events, l.p50, l.p95, l.p99, l.max]),
        ),
      ].join('\n\n'),
    );
  }
  if (r.serviceRssMb && Object.keys(r.serviceRssMb).length > 0) {
    out.push(`## Memory\n\nPeak RSS of the service (VmHWM, reset at the start of each phase) by phase: ${Object.entries(r.serviceRssMb).map(([phase, mb]) => `${phase} ${mb} MB`).join(', ')}.`);
  }
  if (r.backlog) {
    const b = r.backlog;
    const ratio = r.e2e ? ` = **${round(b.rate / r.e2e.throughput, 2)}** of the end-to-end throughput` : '';
    out.push(`## Backlog\n\n${b.events} events queued with the service stopped, then the service started: drained in ${b.drainSeconds} s from its spawn (start-up ${b.startupSeconds} s included): **${b.rate} events/s**${ratio}. ${b.failed} notification.failed.`);
  }
  if (r.schedules) out.push(schedulesSection(r.schedules, r.e2e?.throughput));
  if (r.mixed) out.push(`## Mixed traffic\n\n${mixedSection(r.mixed, r.e2e?.throughput)}`);
  if (r.ws) out.push(`## WebSocket stream\n\n${wsSection(r.ws)}`);
  if (r.search) out.push(`## Notification search\n\n${searchSection(r.search)}`);
  if (r.history) {
    const h = r.history;
    out.push(
      [
        '## History endpoint',
        `${h.rows} notifications (one attempt each) for ${h.users} users, \`GET /notifications/history/{userid}\` (default page of 50) for random users, autocannon: unthrottled with 16 connections for 10 s, then ${h.service.fixedRate} requests/s with ${FIXED_RATE_CONNECTIONS} connections for ${h.seconds} s (autocannon paces each connection by one-second windows: its share sent back to back, then a pause; latencies without its coordinated-omission correction). Baseline: an express route doing \`select 1\` through a pg Pool, same settings.`,
        table(['target', 'max requests/s', 'achieved at fixed rate', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'], [httpRow('history endpoint', h.service), httpRow('baseline (select 1)', h.baseline)]),
        `p99 of the history endpoint / p99 of the baseline: **${h.p99Ratio}**.`,
      ].join('\n\n'),
    );
  }
  if (r.analytics) out.push(analyticsSection(r.analytics));
  return out;
}

/** The mixed phase of a run of its own, when the main run has none. */
function separateMixedSection(r: BenchResult): string {
  if (!r.mixed) return '';
  const goal = (r.goals ?? []).filter((g) => g.name.includes('mixed'));
  const rss = r.serviceRssMb?.mixed === undefined ? [] : [`Peak RSS of the service during the phase: ${r.serviceRssMb.mixed} MB.`];
  return ['## Mixed traffic (a separate run)', metaSection(r), mixedSection(r.mixed, r.e2e?.throughput), ...rss, goalsTable(goal)].join('\n\n');
}

/** The schedules phase of a run of its own, when the main run has none. */
function separateSchedulesSection(r: BenchResult): string {
  if (!r.schedules) return '';
  const goal = (r.goals ?? []).filter((g) => g.name.startsWith('scheduled'));
  return ['## Scheduled sends (a separate run)', metaSection(r), schedulesSection(r.schedules, r.e2e?.throughput, true), goalsTable(goal)].join('\n\n');
}

function soakSection(s: BenchResult): string {
  const soak = s.soak;
  if (!soak) return '';
  const goal = (s.goals ?? []).filter((g) => g.name.includes('soak') || g.name.includes('RSS'));
  return [
    '## Soak (`make bench-soak`, a separate run)',
    metaSection(s),
    `${soak.rate} events/s (50% of the maximum of its own ${s.e2e?.throughput ?? '?'} events/s e2e run) for ${soak.seconds} s, ${soak.events} events, ${soak.failed} failed; RSS sampled every 10 s: first ${soak.firstMb} MB, around the middle ${soak.midMb} MB, at the end ${soak.lastMb} MB, max ${soak.maxMb} MB; growth over the second half ${soak.secondHalfGrowthPct} %. Latency p50 ${soak.p50} ms, p99 ${soak.p99} ms.`,
    goalsTable(goal),
    table(['s', ...soak.samples.map((x) => String(x.atSeconds))], [['RSS MB', ...soak.samples.map((x) => x.rssMb)]]),
  ].join('\n\n');
}

const REPRODUCE = `## Reproduce

\`\`\`sh
make bench        # build, setup, then every phase but the soak (about 45 minutes at the default sizes, half of it the schedules phase)
make bench-soak   # the 10-minute soak at 50% of the maximum, after a short e2e run to measure that maximum
BENCH_PHASES=raw,e2e BENCH_EVENTS=2000 make bench   # a subset, smaller
BENCH_PHASES=ws make bench   # the WebSocket stream alone: 5,000 streams on one instance, beside a bare ws server
\`\`\`

Knobs (environment): \`BENCH_PHASES\` (comma list of raw, e2e, latency, backlog, schedules, history, search, analytics, mixed, ws, soak; default all but soak),
\`BENCH_EVENTS\` (20000), \`BENCH_BACKLOG\` (100000), \`BENCH_SCHEDULES_RECURRING\` (1000) and \`BENCH_SCHEDULES_ONE_OFF\` (100000), \`BENCH_HISTORY_ROWS\` (1000000), \`BENCH_LATENCY_SECONDS\` (20 per rate),
\`BENCH_SOAK_SECONDS\` (600), \`BENCH_RAW_SMTP_MESSAGES\` (5000 per connection count), \`BENCH_RAW_RABBITMQ_MESSAGES\` (20000),
\`BENCH_RAW_POSTGRES_SECONDS\` (5), \`BENCH_RAW_PIPELINE_EVENTS\` (10000), \`BENCH_SERVICE_NODE_ARGS\` (flags for the service's node, e.g. \`--cpu-prof --cpu-prof-dir=/tmp/prof\`), \`BENCH_HISTORY_SECONDS\` (15 at the fixed rate), \`BENCH_SEARCH_ROWS\` (1000000 notifications seeded by the search phase) and \`BENCH_SEARCH_SECONDS\` (10 per case at its fixed rate), \`BENCH_DATABASE\` and \`BENCH_VHOST\` (bench_notifications and bench: names of one's own for a second run on the same machine), \`BENCH_MIXED_EVENTS\` (the mixed phase's batch published at once: BENCH_EVENTS, at most 4000; its open-loop batch lasts \`BENCH_LATENCY_SECONDS\`), \`BENCH_MIXED_RAW_MESSAGES\` (5000 per provider loop), \`BENCH_WS_CLIENTS\` (5000 streams of the ws phase; each process then needs that many open files: \`make bench\` raises the soft limit to the hard one) and \`BENCH_WS_EVENTS\` (50 per burst, three bursts, each event reaching every stream). When latency, backlog, schedules or soak run without
e2e, a shortened e2e run (at most 5000 events) measures the maximum first. JSON: \`bench/results/<date>.json\`,
\`bench/results/latest.json\` (\`latest-soak.json\` for the soak, \`latest-schedules.json\`, \`latest-mixed.json\`, \`latest-ws.json\` and \`latest-search.json\` for the last run with the schedules, the mixed, the ws or the search phase, shown apart
when latest.json has none); this page is rendered from the latest of each.

## How it measures

- Everything runs on this one machine: the project's own PostgreSQL primary and streaming standby (\`make setup\`: ports 25432 and 25433), RabbitMQ, the SMTP sink
  (smtp-server in a process of its own, accepting every message, recording each RCPT TO and the wall-clock time of its 250),
  the built service (\`node dist/src/entrypoints/main.js\`, production defaults, LOG_LEVEL=warn) and the harness; for the mixed phase also
  the fakes of Twilio, FCM and a webhook receiver (tests/support) in a process of their own, counting per recipient what each accepted and when.
- The service gets a fresh database \`bench_notifications\` (recreated and migrated at the start of every run, left in place
  afterwards) and a vhost \`bench\` with the service's policies (dropped at the end); a capture queue bound to
  \`notification.#\` collects the outcome events. The bare pipeline of the raw bounds gets a scratch database \`bench_bare\` and
  a queue \`bench.bare.events\` bound to the events exchange, both removed after it.
- PostgreSQL runs with autovacuum on, as in production (config/postgres/postgresql.conf); the harness changes no server's
  configuration, and reports the setting as the server has it. Each phase of the service
  starts on a vacuumed database (VACUUM ANALYZE), so that autovacuum does not pay off the previous phase's dead rows
  during its measurement.
- Events: ${EVENT_MIX}; each with its own event id and recipient, so emails and outcomes are matched to events.
  They are published with publisher confirms, in pipelined batches of 1000 (or on a timer schedule for the open-loop phases).
- Latency is the sink's acceptance time minus the harness's publish time, both wall clock in ms with sub-ms precision.
- Peak RSS is VmHWM of the service process (/proc/<pid>/status), reset between phases (\`/proc/<pid>/clear_refs\`) so each
  phase has its own; soak samples are VmRSS.
`;

export function renderMarkdown(main: BenchResult | null, soak: BenchResult | null, schedules: BenchResult | null = null, mixed: BenchResult | null = null, ws: BenchResult | null = null, search: BenchResult | null = null, analytics: BenchResult | null = null): string {
  const parts = ['# Benchmarks', 'Generated by the benchmark harness (`make bench`, bench/run.ts) from bench/results/latest*.json; do not edit by hand. Absolute figures move from machine to machine and run to run: the goals are ratios, or bounds, from one run.'];
  if (main) parts.push(metaSection(main), ...mainSections(main));
  if (schedules && !main?.schedules) parts.push(separateSchedulesSection(schedules));
  if (mixed && !main?.mixed) parts.push(separateMixedSection(mixed));
  if (ws?.ws && !main?.ws) parts.push(['## WebSocket stream (a separate run)', metaSection(ws), wsSection(ws.ws)].join('\n\n'));
  if (search?.search && !main?.search) {
    const goal = (search.goals ?? []).filter((g) => g.name.includes('search'));
    parts.push(['## Notification search (a separate run)', metaSection(search), searchSection(search.search), goalsTable(goal)].join('\n\n'));
  }
  if (analytics?.analytics && !main?.analytics) parts.push([analyticsSection(analytics.analytics).replace('## Analytics summary', '## Analytics summary (a separate run)'), metaSection(analytics)].join('\n\n'));
  if (soak) parts.push(soakSection(soak));
  parts.push(REPRODUCE);
  return `${parts.join('\n\n')}\n`;
}

/** The compact summary printed at the end of a run. */
export function summary(r: BenchResult, file: string): string {
  const lines = [`bench run ${r.meta.runId}: ${Object.entries(r.meta.settings).map(([k, v]) => `${k}=${v}`).join(' ')}`];
  if (r.raw) {
    const { smtp, rabbitmq, postgres } = r.raw;
    lines.push(`  raw: SMTP ${smtp.best.rate}/s (${smtp.best.connections} connections), RabbitMQ publish ${rabbitmq.publishConfirmRate}/s consume ${rabbitmq.consumeAckRate}/s, PostgreSQL ${postgres.rate} tx/s`);
    if (r.raw.pipeline) lines.push(`  bare pipeline: ${r.raw.pipeline.throughput} events/s (${round(r.raw.pipeline.throughput / smtp.best.rate, 2)} of raw SMTP)`);
  }
  if (r.e2e) lines.push(`  e2e: ${r.e2e.throughput} events/s over ${r.e2e.events} events${r.e2e.shortened ? ' (shortened)' : ''}${r.raw?.pipeline ? ` (${round(r.e2e.throughput / r.raw.pipeline.throughput, 2)} of the bare pipeline)` : ''}`);
  if (r.latency) lines.push(`  latency p50/p99 ms: ${r.latency.map((l) => `${l.percentOfMax}% ${l.p50}/${l.p99}`).join(', ')}`);
  if (r.serviceRssMb) lines.push(`  peak RSS MB: ${Object.entries(r.serviceRssMb).map(([phase, mb]) => `${phase} ${mb}`).join(', ')}`);
  if (r.backlog) lines.push(`  backlog: ${r.backlog.events} events at ${r.backlog.rate} events/s`);
  if (r.schedules) {
    const s = r.schedules;
    lines.push(`  schedules: ${s.occurrences} occurrences at ${s.rate}/s fired and delivered (firing alone ${s.firingRate}/s), first firing +${s.firstFiringLatenessMs} ms, ${s.exactlyOnce ? 'exactly once' : 'NOT exactly once'} (${s.missing} missing, ${s.duplicateNotifications} duplicate notifications, ${s.duplicateEmails} duplicate emails, ${s.laterOccurrences} later occurrences)`);
  }
  if (r.analytics) lines.push(`  analytics: summary p50/p99 ${r.analytics.windows.map((w) => `${w.label} ${w.service.p50}/${w.service.p99} ms (baseline ${w.baseline.p50}/${w.baseline.p99})`).join(', ')}; ${r.analytics.extraMsPerBatch} ms more per outcome batch`);
  if (r.history) lines.push(`  history: p99 ${r.history.service.p99} ms at ${r.history.service.fixedRate}/s (baseline ${r.history.baseline.p99} ms, ratio ${r.history.p99Ratio}), max ${r.history.service.maxRps}/s (baseline ${r.history.baseline.maxRps}/s)`);
  if (r.mixed) {
    const m = r.mixed;
    lines.push(`  mixed: ${m.throughput} events/s over ${m.events} events, ${m.exactlyOnce ? 'exactly once' : 'NOT exactly once'}; per channel delivered/s (raw bound, ratio, p50/p99 ms): ${m.channels.map((c) => `${c.channel} ${c.rate} (${c.raw.alone}, ${c.ratioToRaw}, ${c.latency.p50}/${c.latency.p99})`).join(', ')}`);
  }
  if (r.search) {
    const figures = (c: SearchCase) => `${c.name} ${c.oneAtATime.p50}/${c.oneAtATime.p99} (loaded ${c.p50}/${c.p99})`;
    lines.push(`  search: p50/p99 ms one at a time (loaded): ${[r.search.baseline, r.search.byId, ...r.search.cases].map(figures).join(', ')}`);
  }
  if (r.ws) lines.push(`  ws: ${r.ws.clients} streams, commit → receipt p50/p99 ${r.ws.service.p50}/${r.ws.service.p99} ms (bare ws server ${r.ws.baseline.p50}/${r.ws.baseline.p99} ms, p99 ratio ${r.ws.p99Ratio}), RSS ${r.ws.serviceRssMb.before} → ${r.ws.serviceRssMb.connected} → ${r.ws.serviceRssMb.afterBroadcast} MB (${r.ws.rssPerConnectionKb.service} KB per stream; bare ${r.ws.rssPerConnectionKb.baseline} KB)`);
  if (r.soak) lines.push(`  soak: RSS ${r.soak.firstMb} → ${r.soak.midMb} → ${r.soak.lastMb} MB (${r.soak.secondHalfGrowthPct} % over the second half), p99 ${r.soak.p99} ms`);
  for (const g of r.goals ?? []) lines.push(`  ${passText(g.pass).padEnd(12)} ${g.name}: ${valueText(g)} (target ${g.target})`);
  lines.push(`  written: ${file}, ${DOC}`);
  return `${lines.join('\n')}\n`;
}
