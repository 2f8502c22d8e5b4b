/**
 * The HTTP providers' fakes (tests/support/provider-fakes.ts: Twilio, FCM and a webhook receiver)
 * run as a process of their own, forked by provider-fakes-client.ts, so that they compete for the
 * cores as the SMTP sink does, not inside the harness. Its first message is the environment that
 * points the service at them. Each fake keeps only its newest records; this process counts
 * instead, per channel and recipient, when the first acceptance happened (wall clock, taken as
 * the fake answers) and how many there were, and per tag (util.ts tagOf) the totals.
 * Nothing is exported: importing this file would start the fakes (the protocol is in
 * provider-fakes-protocol.ts).
 */
import { ProviderFakes } from '../tests/support/provider-fakes.js';
import type { FakeChannel, FakeCounts, FakeDump, FakesReady, FakesReply, FakesRequest } from './provider-fakes-protocol.js';
import { tagOf, wallNow } from './util.js';

/** The fakes' own records of a long run: enough to look at one failure by hand. */
const RETAINED = 100;

const emptyOf = <T>(make: () => T): Record<FakeChannel, T> => ({ sms: make(), push: make(), webhook: make() });
let receipts = emptyOf(() => new Map<string, { firstAt: number; times: number }>());
let perTag = emptyOf(() => new Map<string, { accepted: number; recipients: number }>());

function note(channel: FakeChannel, recipient: string): void {
  const known = receipts[channel].get(recipient);
  const tag = tagOf(recipient);
  const counts = perTag[channel].get(tag) ?? { accepted: 0, recipients: 0 };
  perTag[channel].set(tag, counts);
  counts.accepted += 1;
  if (known) {
    known.times += 1;
    return;
  }
  counts.recipients += 1;
  receipts[channel].set(recipient, { firstAt: wallNow(), times: 1 });
}

function dumpOf(channel: FakeChannel, tag: string): FakeDump {
  const dump: FakeDump = { recipients: [], firstAt: [], times: [] };
  for (const [recipient, { firstAt, times }] of receipts[channel]) {
    if (tagOf(recipient) !== tag) continue;
    dump.recipients.push(recipient);
    dump.firstAt.push(firstAt);
    dump.times.push(times);
  }
  return dump;
}

function answer(request: FakesRequest): FakesReply {
  switch (request.cmd) {
    case 'reset':
      receipts = emptyOf(() => new Map());
      perTag = emptyOf(() => new Map());
      return { id: request.id, kind: 'ok' };
    case 'stats':
      return { id: request.id, kind: 'stats', stats: countsOf(request.tag) };
    case 'dump':
      return { id: request.id, kind: 'dump', dump: { sms: dumpOf('sms', request.tag), push: dumpOf('push', request.tag), webhook: dumpOf('webhook', request.tag) } };
  }
}

function countsOf(tag: string): Record<FakeChannel, FakeCounts> {
  const of = (channel: FakeChannel) => ({ ...(perTag[channel].get(tag) ?? { accepted: 0, recipients: 0 }) });
  return { sms: of('sms'), push: of('push'), webhook: of('webhook') };
}

const fakes = await ProviderFakes.start();
for (const fake of [fakes.twilio, fakes.fcm, fakes.receiver]) fake.records.retainAtMost(RETAINED);
fakes.twilio.records.onAccepted((sms) => note('sms', sms.to));
fakes.fcm.records.onAccepted((push) => note('push', push.token));
fakes.receiver.records.onAccepted((webhook) => note('webhook', fakes.receiver.url(webhook.path)));

process.on('message', (request: FakesRequest) => process.send?.(answer(request)));
// The harness went away: so do the fakes.
process.on('disconnect', () => process.exit(0));
const env = Object.fromEntries(Object.entries(fakes.env()).flatMap(([name, value]) => (value === undefined ? [] : [[name, value]])));
const ready: FakesReady = { env, webhookOrigin: new URL(fakes.receiver.url()).origin };
process.send?.(ready);
