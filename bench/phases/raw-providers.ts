import { POOL_SIZES, SENDS_IN_FLIGHT } from '../channel-limits.js';
import { MIX_CHANNELS, type MixChannel } from '../mixed-events.js';
import { type RawClient, rawClient } from '../raw-clients/raw-client.js';
import type { ProviderFakesClient } from '../provider-fakes-client.js';
import type { ProviderBound } from '../results.js';
import type { SinkClient } from '../sink-client.js';
import { log, round, wallNow } from '../util.js';

/** Sends `from` to `until` (exclusive) with as many senders as the service has sends in flight per channel. */
async function drive(client: RawClient, from: number, until: number): Promise<void> {
  let next = from;
  const sender = async () => {
    while (next < until) await client.send(next++);
  };
  await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, sender));
}

/** Each loop's rate from a common start to its own end (they end apart when one fake is slower). */
async function ratesOf(clients: ReadonlyMap<MixChannel, RawClient>, messages: number, warmup: number): Promise<Map<MixChannel, number>> {
  await Promise.all([...clients.values()].map((client) => drive(client, 0, warmup)));
  const start = wallNow();
  const timed = [...clients].map(async ([channel, client]) => {
    await drive(client, warmup, warmup + messages);
    return [channel, messages / ((wallNow() - start) / 1_000)] as const;
  });
  return new Map(await Promise.all(timed));
}

async function openClients(channels: readonly MixChannel[], fakes: ProviderFakesClient, sink: SinkClient, tag: string): Promise<Map<MixChannel, RawClient>> {
  return new Map(await Promise.all(channels.map(async (channel) => [channel, await rawClient(channel, fakes, sink.port, tag)] as const)));
}

/** What the fakes and the sink counted for `tag` must be every message sent: a raw loop that lost some measured nothing. */
async function checkCounts(fakes: ProviderFakesClient, sink: SinkClient, tag: string, channels: readonly MixChannel[], expected: number): Promise<void> {
  const counts = await fakes.stats(tag);
  const email = (await sink.stats(tag)).tagged;
  for (const channel of channels) {
    const got = channel === 'email' ? email : counts[channel].accepted;
    if (got !== expected) throw new Error(`raw ${channel}: the provider accepted ${got} of ${expected}`);
  }
  await Promise.all([fakes.reset(), sink.reset()]);
}

/**
 * Each provider's raw bound: a bare loop of the service's requests at its concurrency, each
 * channel alone, then the four at once (the machine shared as in the mixed traffic). Also returns
 * the raw email's size on the wire.
 */
export async function measureProviders(fakes: ProviderFakesClient, sink: SinkClient, tag: string, messages: number): Promise<{ bounds: ProviderBound[]; together: number; emailBytes: number }> {
  const warmup = SENDS_IN_FLIGHT * 5;
  const alone = new Map<MixChannel, number>();
  let emailBytes = 0;
  for (const channel of MIX_CHANNELS) {
    const clients = await openClients([channel], fakes, sink, tag);
    const rate = (await ratesOf(clients, messages, warmup)).get(channel) ?? 0;
    await Promise.all([...clients.values()].map((c) => c.close()));
    if (channel === 'email') emailBytes = Math.round((await sink.stats(tag)).bytes / (messages + warmup));
    await checkCounts(fakes, sink, tag, [channel], messages + warmup);
    alone.set(channel, rate);
    log(`  ${channel} alone: ${round(rate)} requests/s (${SENDS_IN_FLIGHT} in flight, ${POOL_SIZES[channel]} connections)`);
  }
  const clients = await openClients(MIX_CHANNELS, fakes, sink, tag);
  const together = await ratesOf(clients, messages, warmup);
  // From the common start to the last loop's end: every loop's messages over the slowest loop's time.
  const totalRate = MIX_CHANNELS.length * Math.min(...together.values());
  await Promise.all([...clients.values()].map((c) => c.close()));
  await checkCounts(fakes, sink, tag, MIX_CHANNELS, messages + warmup);
  log(`  the four at once: ${MIX_CHANNELS.map((c) => `${c} ${round(together.get(c) ?? 0)}/s`).join(', ')}`);
  const bounds = MIX_CHANNELS.map((channel) => ({ channel, connections: POOL_SIZES[channel], alone: round(alone.get(channel) ?? 0), together: round(together.get(channel) ?? 0) }));
  return { bounds, together: round(totalRate), emailBytes };
}
