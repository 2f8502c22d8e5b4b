import { randomUUID } from 'node:crypto';
import { sqlOnPrimary } from '../../support/databases.js';
import { ProviderFakes } from '../../support/provider-fakes.js';
import type { Env } from '../../support/service-process.js';
import { sinkCopies } from './invariants.js';
import { type FaultWorld, faultWorld, type WelcomeEvent } from './scenario.js';

export type HttpChannel = 'sms' | 'push' | 'webhook';
export const HTTP_CHANNELS: readonly HttpChannel[] = ['sms', 'push', 'webhook'];
export type ScenarioChannel = HttpChannel | 'email';

/** A fault world whose service also sends SMS, push and webhooks, to the provider fakes. */
export interface ChannelWorld extends FaultWorld {
  readonly fakes: ProviderFakes;
}

export async function channelWorld(prefix: string): Promise<ChannelWorld> {
  const [f, fakes] = await Promise.all([faultWorld(prefix), ProviderFakes.start()]);
  return { ...f, fakes };
}

export function startChannelService(cw: ChannelWorld, overrides: Env = {}): Promise<void> {
  return cw.world.startService({ ...cw.fakes.env(), ...overrides });
}

export async function stopChannelWorld(cw: ChannelWorld | undefined): Promise<void> {
  await cw?.world.stop();
  await cw?.fakes.close();
}

let nextNumber = 0;

/** A notification's own address on the channel, so what a provider received maps back to it (a webhook's: its webhook-id). */
export function addressOn(channel: ScenarioChannel, cw: ChannelWorld, tag: string, i: number): string {
  if (channel === 'sms') return `+1555${String((nextNumber += 1)).padStart(7, '0')}`;
  if (channel === 'push') return `${tag}-device-token-${i}`;
  if (channel === 'webhook') return cw.fakes.receiver.url();
  return `${tag}-${i}@example.com`;
}

/** `count` request.notification events with their own content on `channel`, each to its own address. */
export function channelRequests(channel: ScenarioChannel, cw: ChannelWorld, count: number, tag: string): WelcomeEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const eventId = randomUUID();
    const body = { event_id: eventId, channel, recipient: addressOn(channel, cw, tag, i), content: { subject: `${tag} ${i}`, body: `Message ${i} of ${tag}` } };
    return { eventId, message: { routingKey: 'request.notification', messageId: eventId, type: 'NotificationRequested', body } };
  });
}

/**
 * What reached each provider, by notification id: the sink's messages by Message-ID, the webhooks
 * by webhook-id, and Twilio's and FCM's by the address. A copy is a request the provider accepted
 * or read in full before the connection was cut (it may have acted on it); an error answer is not.
 */
export function providerArrivals(cw: ChannelWorld): () => Promise<ReadonlyMap<string, number>> {
  return async () => {
    const copies = sinkCopies(cw.world.smtp);
    const add = (id: string) => copies.set(id, (copies.get(id) ?? 0) + 1);
    const rows = await sqlOnPrimary<{ id: string; channel: string; recipient: string }>(cw.world.db.name, "select id, channel, recipient from notifications where channel in ('sms', 'push')");
    const byAddress = new Map(rows.map((r) => [`${r.channel} ${r.recipient}`, r.id]));
    const { twilio, fcm, receiver } = cw.fakes;
    const sms = [...twilio.accepted.map((m) => m.to), ...twilio.dropped.map((r) => r.fields.To ?? '')];
    const push = [...fcm.accepted.map((m) => m.token), ...fcm.dropped.map((r) => tokenOf(r.body))];
    for (const to of sms) add(byAddress.get(`sms ${to}`) ?? `an SMS to ${to}, no such notification`);
    for (const token of push) add(byAddress.get(`push ${token}`) ?? `a push to ${token}, no such notification`);
    for (const hook of receiver.requests) if (hook.verified && (hook.status === null || (hook.status >= 200 && hook.status < 300))) add(hook.id);
    return copies;
  };
}

function tokenOf(body: string): string {
  try {
    return String((JSON.parse(body) as { message?: { token?: unknown } }).message?.token);
  } catch {
    return body;
  }
}
