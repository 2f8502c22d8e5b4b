import type { Bench } from './context.js';
import { sql } from './infra.js';
import type { Burst, OpenLoop } from './mixed-batches.js';
import { eventsOn, lastAcceptance } from './mixed-delivery.js';
import { type MixChannel, channelOfRecipient } from './mixed-events.js';
import { latencyFigures } from './phases/latency.js';
import type { MixedChannel, ProviderBound } from './results.js';
import { round } from './util.js';

/** Attempts recorded ambiguous per channel since `since` (the provider may have the message: a duplicate's excuse). */
export async function ambiguousAttempts(bench: Bench, since: Date): Promise<Map<string, number>> {
  const rows = await sql<{ channel: string; n: number }>(
    bench.servers.databaseUrl,
    "select n.channel, count(*)::int as n from notification_attempts a join notifications n on n.id = a.notification_id where a.outcome = 'ambiguous' and n.created_at >= $1 group by n.channel",
    [since],
  );
  return new Map(rows.map((r) => [r.channel, r.n]));
}

/** Everything the mixed phase measured, for the figures of each channel. */
export interface Measured {
  readonly tags: { readonly burst: string; readonly loop: string };
  readonly events: number;
  readonly burst: Burst;
  readonly loop: OpenLoop;
  readonly raw: readonly ProviderBound[];
  readonly ambiguous: Map<string, number>;
}

/** One channel's figures: its rate in the batch at once, exactly-once counts over both batches, latencies of the open loop. */
export function channelFigures(channel: MixChannel, m: Measured, bench: Bench): MixedChannel {
  const atBurst = m.burst.done.byChannel[channel];
  const atLoop = m.loop.done.byChannel[channel];
  const events = eventsOn(channel, m.events);
  const seconds = (lastAcceptance(atBurst) - m.burst.firstAt) / 1_000;
  const rate = atBurst.firstAt.size / Math.max(seconds, 0.001);
  const raw = m.raw.find((b) => b.channel === channel) ?? { channel, connections: 0, alone: 0, together: 0 };
  const publishedAt = new Map([...m.loop.publishedAt].filter(([recipient]) => channelOfRecipient(recipient) === channel));
  const { achievedRate: _rate, ...latency } = latencyFigures(publishedAt, atLoop.firstAt);
  const outcomes = bench.broker.outcomes;
  return {
    channel,
    events,
    delivered: atBurst.firstAt.size,
    latencyEvents: publishedAt.size,
    duplicates: atBurst.acceptances - atBurst.firstAt.size + atLoop.acceptances - atLoop.firstAt.size,
    missing: events - atBurst.firstAt.size + publishedAt.size - atLoop.firstAt.size,
    failed: outcomes.failedOn(m.tags.burst, channel) + outcomes.failedOn(m.tags.loop, channel),
    ambiguousAttempts: m.ambiguous.get(channel) ?? 0,
    seconds: round(seconds, 2),
    rate: round(rate),
    raw,
    ratioToRaw: round(raw.alone > 0 ? rate / raw.alone : 0, 3),
    latency,
  };
}

