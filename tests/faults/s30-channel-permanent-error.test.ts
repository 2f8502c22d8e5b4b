import { expect } from 'chai';
import { attemptHistories, providerRequests } from './support/channel-levers.js';
import { type ChannelWorld, channelRequests, channelWorld, HTTP_CHANNELS, type HttpChannel, providerArrivals, startChannelService, stopChannelWorld } from './support/channel-world.js';
import { checkInvariants } from './support/invariants.js';
import { report, type WelcomeEvent } from './support/scenario.js';

const EVENTS = 50;

/** Makes one send meet the provider's permanent refusal; returns what its error must say. */
function refuseOne(channel: HttpChannel, cw: ChannelWorld, events: WelcomeEvent[]): string {
  const body = events[7]?.message.body as { recipient: string };
  if (channel === 'sms') {
    body.recipient = '+15005550001'; // Twilio's magic To: 400, code 21211 (invalid number)
    return '21211';
  }
  if (channel === 'push') {
    cw.fakes.fcm.markUnregistered(body.recipient); // 404 UNREGISTERED for a single-token send
    return 'unregistered';
  }
  cw.fakes.receiver.respondWith([{ status: 400 }]); // the first webhook the receiver reads
  return '400';
}

for (const channel of HTTP_CHANNELS) {
  describe(`S30 ${channel}: a permanent error, failed at once`, function () {
    let cw: ChannelWorld;
    before(async () => {
      cw = await channelWorld(`flt_s30b_${channel}`);
    });
    after(() => stopChannelWorld(cw));

    it('fails the notification after one attempt with one notification.failed, retries nothing and dead-letters nothing', async () => {
      const started = Date.now();
      const events = channelRequests(channel, cw, EVENTS, `s30b-${channel}`);
      const says = refuseOne(channel, cw, events);
      await startChannelService(cw);
      await cw.broker.publishAll(events.map((e) => e.message));
      const counts = await checkInvariants(cw.world, cw.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: false, arrivals: providerArrivals(cw) });
      expect(counts).to.include({ sent: EVENTS - 1, failed: 1, duplicates: 0, deadLettered: 0 });
      const histories = [...(await attemptHistories(cw, channel)).values()];
      expect(histories.filter((h) => h !== 'accepted')).to.deep.equal(['permanent_failure']);
      expect(providerRequests(channel, cw.fakes), 'requests at the provider: one each, none retried').to.equal(EVENTS);
      const failed = (await cw.broker.drain('capture.faults')).filter((m) => m.routingKey === 'notification.failed');
      expect(failed).to.have.length(1);
      expect(failed[0]?.body.channel).to.equal(channel);
      expect(String(failed[0]?.body.error_message)).to.include(says);
      report(`S30 ${channel} permanent`, counts, started, `(${says})`);
    });
  });
}
