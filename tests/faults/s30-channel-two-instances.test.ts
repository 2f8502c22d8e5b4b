import { expect } from 'chai';
import { ServiceProcess } from '../support/service-process.js';
import { channelMetric, delayNext, duplicated } from './support/channel-levers.js';
import { type ChannelWorld, channelRequests, channelWorld, HTTP_CHANNELS, providerArrivals, startChannelService, stopChannelWorld } from './support/channel-world.js';
import { checkInvariants } from './support/invariants.js';
import { report, waitForCount } from './support/scenario.js';

const EVENTS = 300;
const ENV = { DELIVERY_LEASE_MS: '3000', RABBITMQ_PREFETCH: '20', DELIVERY_CONCURRENCY: '4' };

for (const channel of HTTP_CHANNELS) {
  describe(`S30 ${channel}: two instances on one queue, one SIGKILLed mid-run`, function () {
    let cw: ChannelWorld;
    let second: ServiceProcess | undefined;
    before(async () => {
      cw = await channelWorld(`flt_s30d_${channel}`);
    });
    after(async () => {
      await second?.stop();
      await stopChannelWorld(cw);
    });

    it('sends nothing twice but the killed instance’s sends in flight, each counted as a resend, and delivers all', async () => {
      const started = Date.now();
      // Every answer takes 100 ms, so the killed instance has sends really in flight.
      delayNext(channel, cw.fakes, EVENTS * 2, 100);
      await startChannelService(cw, ENV);
      second = (await ServiceProcess.start({ ...cw.world.env({ ...cw.fakes.env(), ...ENV }), PORT: '0', HOST: '127.0.0.1' })).service;
      await cw.broker.publishAll(channelRequests(channel, cw, EVENTS, `s30d-${channel}`).map((e) => e.message));
      const db = cw.world.db.name;
      const sentAtKill = await waitForCount(db, "select count(*) as n from notifications where status = 'sent'", 60, 30_000, 'some sends');
      second.signal('SIGKILL');
      expect(await second.exited()).to.equal(null);
      await waitForCount(db, "select count(*) as n from notifications where status in ('sent', 'failed')", EVENTS, 60_000, 'every notification final');
      const resends = await channelMetric(cw, 'notification_ambiguous_resends_total', channel);
      const arrivals = providerArrivals(cw);
      const counts = await checkInvariants(cw.world, cw.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: true, arrivals });

      expect(counts).to.include({ sent: EVENTS, failed: 0 });
      // Only sends the dead instance had claimed, taken over after their lease expired (each logged), reached the provider twice.
      const takenOver = cw.world.service.logLines().filter((l) => l.msg === 'resending after an expired lease').map((l) => String(l.notification_id));
      const twice = duplicated(await arrivals());
      expect(twice.filter((id) => !takenOver.includes(id)), 'duplicates of sends not taken over').to.deep.equal([]);
      expect(twice.length, 'duplicates within the resends counted').to.be.at.most(resends);
      report(`S30 ${channel} two instances`, counts, started, `(sent at kill: ${sentAtKill}, taken over: ${takenOver.length}, resends counted: ${resends})`);
    });
  });
}
