import { expect } from 'chai';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { providerDown } from './support/channel-levers.js';
import { type ChannelWorld, channelRequests, channelWorld, providerArrivals, type ScenarioChannel, startChannelService, stopChannelWorld } from './support/channel-world.js';
import { checkInvariants } from './support/invariants.js';
import { report, sleep } from './support/scenario.js';
import { TcpProxy } from './support/tcp-proxy.js';

const OTHERS = ['email', 'push'] as const;
const PER_CHANNEL = 60;
const SMS = 100;
const OUTAGE_MS = 30_000;

interface Pace {
  /** From the first publish to the last of them sent, s. */
  readonly seconds: number;
  /** The slowest notification, created to sent, s. */
  readonly slowest: number;
}

/** Publishes PER_CHANNEL email and push notifications as a trickle (one of each every 100 ms) and measures their delivery. */
async function pace(cw: ChannelWorld, tag: string): Promise<Record<string, Pace>> {
  const started = Date.now();
  const events = OTHERS.map((channel) => channelRequests(channel, cw, PER_CHANNEL, `${tag}-${channel}`));
  for (let i = 0; i < PER_CHANNEL; i++) {
    await cw.broker.publishAll(events.map((list) => list[i]?.message).filter((m) => m !== undefined));
    await sleep(100);
  }
  const mine = `recipient like '${tag}-%' and status = 'sent'`;
  await eventually(async () => Number((await sqlOnPrimary<{ n: string }>(cw.world.db.name, `select count(*) as n from notifications where ${mine}`))[0]?.n) === 2 * PER_CHANNEL, 60_000, `the ${tag} notifications sent`);
  const rows = await sqlOnPrimary<{ channel: ScenarioChannel; last: Date; slowest: number }>(
    cw.world.db.name,
    `select channel, max(updated_at) as last, extract(epoch from max(updated_at - created_at))::float as slowest from notifications where ${mine} group by channel`,
  );
  return Object.fromEntries(rows.map((r) => [r.channel, { seconds: (new Date(r.last).getTime() - started) / 1000, slowest: r.slowest }]));
}

const shown = (p: Record<string, Pace>) => OTHERS.map((c) => `${c} ${p[c]?.seconds.toFixed(1)} s (slowest ${p[c]?.slowest.toFixed(2)} s)`).join(', ');

describe('S30 isolation: while the SMS provider is down, email and push keep their pace', function () {
  let cw: ChannelWorld;
  let proxy: TcpProxy;
  before(async () => {
    cw = await channelWorld('flt_s30e');
    proxy = await TcpProxy.start(Number(new URL(cw.fakes.twilio.baseUrl).port));
  });
  after(async () => {
    await proxy.close();
    await stopChannelWorld(cw);
  });

  for (const outage of ['503', 'hang'] as const) {
    it(`delivers email and push at the pace of a run without the outage (SMS ${outage === '503' ? 'answering 503' : 'accepting connections and never answering'})`, async () => {
      const started = Date.now();
      // A hanging provider makes each SMS ambiguous after its timeout: a plan long enough to outlast the outage.
      if (cw.world.service === undefined) await startChannelService(cw, { SMS_API_BASE_URL: `http://127.0.0.1:${proxy.port}`, RETRY_PLAN_NORMAL: '5s,10s,15s,20s,30s' });
      const baseline = await pace(cw, `base${outage}`);
      if (outage === '503') providerDown('sms', cw.fakes, true);
      else proxy.blackhole();
      const outageStarted = Date.now();
      await cw.broker.publishAll(channelRequests('sms', cw, SMS, `sms${outage}`).map((e) => e.message));
      const during = await pace(cw, `during${outage}`);
      console.log(`      (SMS ${outage}: baseline ${shown(baseline)}; during the outage ${shown(during)})`);
      for (const channel of OTHERS) {
        expect(during[channel]?.seconds, `${channel} during the outage`).to.be.at.most((baseline[channel]?.seconds ?? 0) * 1.5 + 1);
        expect(during[channel]?.slowest, `${channel}'s slowest during the outage`).to.be.at.most((baseline[channel]?.slowest ?? 0) * 3 + 1);
      }
      await sleep(OUTAGE_MS - (Date.now() - outageStarted));
      providerDown('sms', cw.fakes, false);
      proxy.pass();
      const recovered = Date.now();
      const unsent = "select count(*) as n from notifications where channel = 'sms' and status <> 'sent'";
      await eventually(async () => Number((await sqlOnPrimary<{ n: string }>(cw.world.db.name, unsent))[0]?.n) === 0, 120_000, 'every SMS sent after the outage');
      console.log(`      (the last of the ${SMS} SMS sent ${((Date.now() - recovered) / 1000).toFixed(1)} s after the SMS provider came back)`);
      if (outage === 'hang') {
        const accepted = 2 * (4 * PER_CHANNEL + SMS);
        const counts = await checkInvariants(cw.world, cw.broker, { accepted, poison: 0, allowAmbiguous: false, arrivals: providerArrivals(cw), quiescenceMs: 120_000 });
        expect(counts).to.include({ sent: accepted, failed: 0, duplicates: 0 });
        const ambiguous = "select count(*) as n from notification_attempts a join notifications n on n.id = a.notification_id where n.channel = 'sms' and a.outcome = 'ambiguous'";
        report('S30 isolation', counts, started, `(SMS attempts ambiguous while it hung: ${(await sqlOnPrimary<{ n: string }>(cw.world.db.name, ambiguous))[0]?.n})`);
      }
    });
  }
});
