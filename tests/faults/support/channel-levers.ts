import { sqlOnPrimary } from '../../support/databases.js';
import type { FcmBehaviour } from '../../support/fcm-fake.js';
import type { ProviderFakes } from '../../support/provider-fakes.js';
import type { ChannelWorld, HttpChannel, ScenarioChannel } from './channel-world.js';
import { metricValue } from './scenario.js';

type Behaviour = { readonly dropAfterReceive: true } | { readonly delayMs: number };

function queue(channel: HttpChannel, fakes: ProviderFakes, behaviours: readonly Behaviour[]): void {
  if (channel === 'sms') fakes.twilio.respondWith(behaviours);
  else if (channel === 'push') fakes.fcm.respondWith(...(behaviours as FcmBehaviour[]));
  else fakes.receiver.respondWith(behaviours);
}

/** The next `count` requests to the channel's provider are read in full, then their connections cut without an answer. */
export function dropNext(channel: HttpChannel, fakes: ProviderFakes, count: number): void {
  queue(channel, fakes, Array.from({ length: count }, () => ({ dropAfterReceive: true as const })));
}

/** The next `count` requests are each answered after `ms` (as usual otherwise): sends really in flight. */
export function delayNext(channel: HttpChannel, fakes: ProviderFakes, count: number, ms: number): void {
  queue(channel, fakes, Array.from({ length: count }, () => ({ delayMs: ms })));
}

/** A provider-wide outage: every request to the channel's provider answered 503, until switched off. */
export function providerDown(channel: HttpChannel, fakes: ProviderFakes, down: boolean): void {
  const fault = down ? { status: 503 } : null;
  if (channel === 'sms') fakes.twilio.setFault(fault);
  else if (channel === 'push') fakes.fcm.setFault(fault);
  else fakes.receiver.setFault(fault);
}

/** A sample of the service's `/broker/prometheus` for one channel. */
export async function channelMetric(cw: ChannelWorld, name: string, channel: ScenarioChannel, labels: Record<string, string> = {}): Promise<number> {
  return metricValue((await cw.world.admin.get('/broker/prometheus')).text, name, { channel, ...labels });
}

/** Each notification of the channel that has attempts: their outcomes in order, comma-separated. */
export async function attemptHistories(cw: ChannelWorld, channel: ScenarioChannel): Promise<Map<string, string>> {
  const rows = await sqlOnPrimary<{ id: string; outcomes: string }>(
    cw.world.db.name,
    `select n.id, string_agg(a.outcome, ',' order by a.number) as outcomes
       from notifications n join notification_attempts a on a.notification_id = n.id
      where n.channel = '${channel}' group by n.id`,
  );
  return new Map(rows.map((r) => [r.id, r.outcomes]));
}

/** Notification ids that reached their provider more than once. */
export function duplicated(copies: ReadonlyMap<string, number>): string[] {
  return [...copies.entries()].filter(([, n]) => n > 1).map(([id]) => id).sort();
}

/** Requests the channel's provider read (its send endpoint), whatever it answered. */
export function providerRequests(channel: HttpChannel, fakes: ProviderFakes): number {
  if (channel === 'sms') return fakes.twilio.requests.length;
  if (channel === 'push') return fakes.fcm.sendRequests.length;
  return fakes.receiver.requests.length;
}

/** The ids the provider gave the messages it accepted (Twilio's sid, FCM's message name); a webhook receiver gives none. */
export function providerIds(channel: HttpChannel, fakes: ProviderFakes): Array<string | null> {
  if (channel === 'sms') return fakes.twilio.accepted.map((m) => m.sid);
  if (channel === 'push') return fakes.fcm.accepted.map((m) => m.name);
  return fakes.receiver.accepted.map(() => null);
}
