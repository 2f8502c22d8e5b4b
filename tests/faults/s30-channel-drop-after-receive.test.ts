import { expect } from 'chai';
import { attemptHistories, channelMetric, dropNext, duplicated, providerIds } from './support/channel-levers.js';
import { type ChannelWorld, channelRequests, channelWorld, HTTP_CHANNELS, providerArrivals, startChannelService, stopChannelWorld } from './support/channel-world.js';
import { checkInvariants } from './support/invariants.js';
import { report, waitForCount } from './support/scenario.js';

const EVENTS = 100;
const DROPS = 5;

for (const channel of HTTP_CHANNELS) {
  describe(`S30 ${channel}: the connection cut after the provider read the whole request (ambiguous window)`, function () {
    let cw: ChannelWorld;
    before(async () => {
      cw = await channelWorld(`flt_s30a_${channel}`);
    });
    after(() => stopChannelWorld(cw));

    it('resends each ambiguous send once, counts it, and has duplicates at the provider only for those', async () => {
      const started = Date.now();
      dropNext(channel, cw.fakes, DROPS);
      await startChannelService(cw);
      await cw.broker.publishAll(channelRequests(channel, cw, EVENTS, `s30a-${channel}`).map((e) => e.message));
      await waitForCount(cw.world.db.name, "select count(*) as n from notifications where status in ('sent', 'failed')", EVENTS, 60_000, 'every notification final');
      const resends = await channelMetric(cw, 'notification_ambiguous_resends_total', channel);
      const arrivals = providerArrivals(cw);
      const counts = await checkInvariants(cw.world, cw.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: true, arrivals });

      expect(counts).to.include({ sent: EVENTS, failed: 0, duplicates: DROPS });
      const retried = [...(await attemptHistories(cw, channel)).entries()].filter(([, outcomes]) => outcomes !== 'accepted');
      expect(retried.map(([, outcomes]) => outcomes), 'attempt histories').to.deep.equal(Array(DROPS).fill('ambiguous,accepted'));
      // A duplicate at the provider only for an ambiguous send (webhooks: the same webhook-id twice).
      expect(duplicated(await arrivals()), 'duplicated at the provider').to.deep.equal(retried.map(([id]) => id).sort());
      expect(resends, 'notification_ambiguous_resends_total').to.equal(DROPS);
      // Each notification.sent names the channel and the id the provider gave the copy it answered.
      const captured = (await cw.broker.drain('capture.faults')).filter((m) => m.routingKey === 'notification.sent');
      const sentEvents = [...new Map(captured.map((m) => [m.body.notification_id, m])).values()];
      expect(sentEvents.map((m) => m.body.channel)).to.deep.equal(Array(EVENTS).fill(channel));
      expect(sentEvents.map((m) => m.body.provider_message_id ?? null).sort()).to.deep.equal(providerIds(channel, cw.fakes).sort());
      report(`S30 ${channel} drop`, counts, started, `(cut after receive: ${DROPS}, ambiguous resends counted: ${resends})`);
    });
  });
}
