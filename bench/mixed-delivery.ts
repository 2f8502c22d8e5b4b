import type { Bench } from './context.js';
import { type MixChannel, channelOf } from './mixed-events.js';
import type { ProviderFakesClient } from './provider-fakes-client.js';
import type { ServiceUnderTest } from './service.js';
import { waitUntil } from './util.js';

/** What one channel's provider accepted for a batch: the first acceptance per recipient, and every acceptance. */
export interface ChannelReceipts {
  readonly firstAt: Map<string, number>;
  readonly acceptances: number;
}

/** A finished mixed batch, per channel, and its outcome events. */
export interface MixedDelivered {
  readonly byChannel: Record<MixChannel, ChannelReceipts>;
  readonly lastOutcomeAt: number;
}

/** How many of a batch's first `events` events go to `channel` (the rotation of mixed-events.ts). */
export function eventsOn(channel: MixChannel, events: number): number {
  let n = 0;
  for (let i = 0; i < events; i++) if (channelOf(i) === channel) n += 1;
  return n;
}

async function receipts(bench: Bench, fakes: ProviderFakesClient, tag: string): Promise<Record<MixChannel, ChannelReceipts>> {
  const [email, others] = await Promise.all([bench.sink.dump(tag), fakes.dump(tag)]);
  const firstAt = new Map<string, number>();
  email.recipients.forEach((recipient, i) => firstAt.has(recipient) || firstAt.set(recipient, email.acceptedAt[i] ?? 0));
  const of = (channel: Exclude<MixChannel, 'email'>): ChannelReceipts => {
    const dump = others[channel];
    return { firstAt: new Map(dump.recipients.map((r, i) => [r, dump.firstAt[i] ?? 0])), acceptances: dump.times.reduce((a, b) => a + b, 0) };
  };
  return { email: { firstAt, acceptances: email.recipients.length }, sms: of('sms'), push: of('push'), webhook: of('webhook') };
}

/**
 * Waits until every outcome event of `tag` was captured and every recipient not failed reached its
 * provider (the SMTP sink or a fake), failing as soon as the service has exited.
 */
export async function waitForMixed(bench: Bench, fakes: ProviderFakesClient, service: ServiceUnderTest, tag: string, events: number): Promise<MixedDelivered> {
  await waitUntil(`mixed delivery of ${events} (${tag})`, async () => {
    service.assertRunning();
    const [email, others] = await Promise.all([bench.sink.stats(tag), fakes.stats(tag)]);
    const reached = email.taggedRecipients + others.sms.recipients + others.push.recipients + others.webhook.recipients;
    const outcomes = bench.broker.outcomes.count(tag);
    const failed = bench.broker.outcomes.failed(tag);
    const status = `${reached} at the providers (email ${email.taggedRecipients}, sms ${others.sms.recipients}, push ${others.push.recipients}, webhook ${others.webhook.recipients}), ${outcomes} outcome events (${failed} failed) of ${events}`;
    return { done: outcomes >= events && reached + failed >= events, progress: reached + outcomes, status };
  });
  return { byChannel: await receipts(bench, fakes, tag), lastOutcomeAt: bench.broker.outcomes.lastAt(tag) };
}

/** The last first-acceptance of a channel (0 when none). */
export function lastAcceptance(receipts: ChannelReceipts): number {
  let last = 0;
  for (const at of receipts.firstAt.values()) last = Math.max(last, at);
  return last;
}
