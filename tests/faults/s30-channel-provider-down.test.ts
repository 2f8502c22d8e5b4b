import { expect } from 'chai';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { channelMetric, providerDown } from './support/channel-levers.js';
import { type ChannelWorld, channelRequests, channelWorld, HTTP_CHANNELS, type HttpChannel, providerArrivals, startChannelService, stopChannelWorld } from './support/channel-world.js';
import { checkInvariants } from './support/invariants.js';
import { report, sleep } from './support/scenario.js';

const PER_CHANNEL = 200;
const OUTAGE_MS = 60_000;
const RECOVERED_WITHIN_S = 30;

async function perChannel(cw: ChannelWorld, where: string): Promise<Record<string, number>> {
  const rows = await sqlOnPrimary<{ channel: string; n: string }>(cw.world.db.name, `select channel, count(*) as n from notifications where ${where} group by channel`);
  return Object.fromEntries(rows.map((r) => [r.channel, Number(r.n)]));
}

const attemptsOf = (cw: ChannelWorld, outcome: string) => perChannel(cw, `id in (select notification_id from notification_attempts where outcome ${outcome})`);

describe('S30 SMS, push and webhook providers down for 60 s under load (503 from every request)', function () {
  let cw: ChannelWorld;
  before(async () => {
    cw = await channelWorld('flt_s30c');
  });
  after(() => stopChannelWorld(cw));

  it('defers every send without using an attempt, fails nothing, and delivers each once after the providers are back', async () => {
    const started = Date.now();
    for (const channel of HTTP_CHANNELS) providerDown(channel, cw.fakes, true);
    await startChannelService(cw);
    await cw.broker.publishAll(HTTP_CHANNELS.flatMap((channel) => channelRequests(channel, cw, PER_CHANNEL, `s30c-${channel}`).map((e) => e.message)));
    for (const channel of ['sms', 'push'] as const) {
      await eventually(async () => (await channelMetric(cw, 'notification_circuit_state', channel)) === 2, 20_000, `the ${channel} circuit to open`);
    }
    await sleep(OUTAGE_MS - (Date.now() - started));

    // During the outage: nothing failed, no attempt but provider_down, every channel deferring.
    expect(await perChannel(cw, "status = 'failed'"), 'failed during the outage').to.deep.equal({});
    expect(await attemptsOf(cw, "<> 'provider_down'"), 'attempts other than provider_down').to.deep.equal({});
    const during: Record<string, string> = {};
    for (const channel of HTTP_CHANNELS) {
      const down = await channelMetric(cw, 'notification_send_attempts_total', channel, { outcome: 'provider_down' });
      const deferred = await channelMetric(cw, 'notification_sends_deferred_total', channel);
      expect(deferred, `${channel} sends deferred`).to.be.greaterThan(0);
      during[channel] = `${down} provider_down attempts, ${deferred} deferrals`;
    }

    for (const channel of HTTP_CHANNELS) providerDown(channel, cw.fakes, false);
    const recovered = Date.now();
    const lastSent = new Map<HttpChannel, number>();
    await eventually(async () => {
      const sent = await perChannel(cw, "status = 'sent'");
      for (const channel of HTTP_CHANNELS) if (!lastSent.has(channel) && sent[channel] === PER_CHANNEL) lastSent.set(channel, (Date.now() - recovered) / 1000);
      return lastSent.size === HTTP_CHANNELS.length;
    }, 240_000, 'every notification sent after the providers came back');
    // One half-open period (10 s) until a probe finds the provider back, then the backlog at the channel's concurrency.
    for (const channel of HTTP_CHANNELS) expect(lastSent.get(channel), `${channel}: the last sent, s after the recovery`).to.be.at.most(RECOVERED_WITHIN_S);

    const counts = await checkInvariants(cw.world, cw.broker, { accepted: 3 * PER_CHANNEL, poison: 0, allowAmbiguous: false, arrivals: providerArrivals(cw) });
    expect(counts).to.include({ sent: 3 * PER_CHANNEL, failed: 0, duplicates: 0 });
    const [accepted] = await sqlOnPrimary<{ n: string; notifications: string }>(cw.world.db.name, "select count(*) as n, count(distinct notification_id) as notifications from notification_attempts where outcome = 'accepted'");
    expect(accepted).to.deep.equal({ n: String(3 * PER_CHANNEL), notifications: String(3 * PER_CHANNEL) });
    expect(await attemptsOf(cw, "not in ('provider_down', 'accepted')"), 'attempts used').to.deep.equal({});
    report('S30 providers down 60 s', counts, started);
    for (const channel of HTTP_CHANNELS) console.log(`      (${channel}: ${during[channel]} during the outage; the last sent ${lastSent.get(channel)?.toFixed(1)} s after recovery)`);
  });
});
