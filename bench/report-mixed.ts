import { MIX } from './mixed-events.js';
import type { MixedResult } from './results.js';
import { round } from './util.js';

function table(header: string[], rows: Array<Array<string | number>>): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function ratesTable(m: MixedResult): string {
  return table(
    ['channel', 'events', 'delivered/s', 'raw bound alone', 'service / raw', 'raw, four loops at once', 'p50 ms', 'p99 ms', 'max ms'],
    m.channels.map((c) => [c.channel, c.events, c.rate, `${c.raw.alone} (${c.raw.connections} connections)`, c.ratioToRaw, c.raw.together, c.latency.p50, c.latency.p99, c.latency.max]),
  );
}

function onceTable(m: MixedResult): string {
  return table(
    ['channel', 'events, both batches', 'delivered once or more', 'duplicates', 'missing', 'failed', 'ambiguous attempts'],
    m.channels.map((c) => [c.channel, c.events + c.latencyEvents, c.events + c.latencyEvents - c.missing, c.duplicates, c.missing, c.failed, c.ambiguousAttempts]),
  );
}

/** The mixed phase: per channel, the service's rate beside its provider's raw bound, latencies and exactly-once counts. */
export function mixedSection(m: MixedResult, e2eThroughput: number | undefined): string {
  const versusE2e = e2eThroughput ? ` (the email-only end-to-end run: ${e2eThroughput} events/s, so **${round(m.throughput / e2eThroughput, 2)}** of it)` : '';
  return [
    `Events: ${MIX}; the HTTP providers' fakes (tests/support: Twilio, FCM, a webhook receiver) in a process of their own (bench/provider-fakes.ts), email to the SMTP sink. The service runs with ${m.sendsInFlight} sends in flight per channel and its default pools, both passed explicitly (bench/channel-limits.ts).`,
    `Raw bound of each provider, measured first with the service stopped: a bare loop (bench/raw-clients/: the service's request, with the library it uses for that channel) at ${m.sendsInFlight} requests in flight over the same pool, ${m.rawMessages} requests, each channel alone, then the four loops at once (${m.rawTogether} requests/s in all). The raw email is the service's layout filled as it fills it: ${m.emailBytes.raw} bytes on the wire, the service's ${m.emailBytes.service}.`,
    `${m.events} events published at once after ${m.warmupEvents} warm-up events: ${m.seconds} s to the last delivery or outcome event, **${m.throughput} events/s**${versusE2e}. A channel's rate is its deliveries over the time from the first publish to its own last delivery. ${m.failed} notification.failed. The service used ${m.cpuMsPerEvent} ms of CPU per event, the fakes' process ${m.fakesCpuMsPerEvent} ms; the machine was ${m.machineBusyPercent} % busy. The fakes keep only their newest records and count the rest: their process peaked at ${m.fakesPeakRssMb} MB over the whole phase.`,
    ratesTable(m),
    'A channel delivers its share of the events (a quarter each) over the whole batch at best: the channels finish together unless one is held back by its own sender, a pool or a slow client (the goal: slowest / fastest ≥ 0.9). Service / raw is then the pipeline\'s rate per channel against what a bare client gets from that provider alone.',
    `Latencies: publish → acceptance at the provider (the fake's answer, the sink's 250), from a second batch published open loop at ${m.latencyPercentOfMax}% of the rate above (${m.latencyOfferedRate} events/s offered, ${m.latencyAchievedRate} achieved, ${m.latencyEvents} events); in the batch published at once every latency is mostly its wait in the queue.`,
    `Exactly once, both batches: duplicates are acceptances at the provider beyond one per recipient, which only an ambiguous attempt (the provider may have had it) excuses: **${m.exactlyOnce ? 'exactly once' : 'NOT exactly once'}**.`,
    onceTable(m),
  ].join('\n\n');
}
