import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { sqlOnPrimary } from '../support/databases.js';
import { ServiceProcess } from '../support/service-process.js';
import { type ChannelWorld, channelWorld, startChannelService, stopChannelWorld } from './support/channel-world.js';
import { checkInvariants, sinkCopies } from './support/invariants.js';
import { report, waitForCount } from './support/scenario.js';

const EVENTS = 200;
/** email and in_app go (the event's address, the user's feed); sms is recorded suppressed, no_contact_point (no profile). */
const ROUTED = ['email', 'sms', 'in_app'];
const ENV = { DELIVERY_LEASE_MS: '3000', RABBITMQ_PREFETCH: '20', DELIVERY_CONCURRENCY: '4' };

const SHIPMENT = {
  key: 'shipment.update',
  description: 'A shipment moved: on every channel the user takes',
  routing: { mode: 'all' },
  variables: [{ name: 'stage', type: 'string' }],
  variants: [
    { channel: 'email', locale: 'en', subject: 'Your shipment', text: 'Now: <%= it.stage %>' },
    { channel: 'sms', locale: 'en', body: 'Shipment: <%= it.stage %>' },
    { channel: 'in_app', locale: 'en', title: 'Shipment', body: 'Now: <%= it.stage %>' },
  ],
};

function routedEvents(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const eventId = randomUUID();
    const body = { event_id: eventId, notification_type: SHIPMENT.key, userid: `s31-user-${i}`, recipient: `s31-${i}@example.com`, variables: { stage: `stage ${i}` } };
    return { routingKey: 'request.notification', messageId: eventId, type: 'NotificationRequested', body };
  });
}

describe('S31 routed fan-out: two instances, one SIGKILLed mid-run', function () {
  let cw: ChannelWorld;
  let second: ServiceProcess | undefined;
  before(async () => {
    cw = await channelWorld('flt_s31');
  });
  after(async () => {
    await second?.stop();
    await stopChannelWorld(cw);
  });

  it('records one notification per event and routed channel, sends each going one once (resends aside), and says why sms was not', async () => {
    const started = Date.now();
    await startChannelService(cw, ENV);
    const created = await cw.world.admin.post('/templates', SHIPMENT);
    expect(created.status, created.text).to.equal(201);
    second = (await ServiceProcess.start({ ...cw.world.env({ ...cw.fakes.env(), ...ENV }), PORT: '0', HOST: '127.0.0.1' })).service;
    await cw.broker.publishAll(routedEvents(EVENTS));
    const db = cw.world.db.name;
    await waitForCount(db, "select count(*) as n from notifications where status = 'sent'", 60, 30_000, 'some sends');
    second.signal('SIGKILL');
    expect(await second.exited()).to.equal(null);
    // The feed is keyed by notification: a resend stores nothing twice, so each feed item is one arrival.
    const arrivals = async () => {
      const copies = sinkCopies(cw.world.smtp);
      for (const row of await sqlOnPrimary<{ id: string }>(db, 'select notification_id as id from feed_items')) copies.set(row.id, 1);
      return copies;
    };
    const counts = await checkInvariants(cw.world, cw.broker, { accepted: EVENTS, channelsPerEvent: ROUTED.length, poison: 0, allowAmbiguous: true, arrivals });

    const byChannel = await sqlOnPrimary<{ channel: string; status: string; reason: string | null; n: string }>(
      db,
      'select channel, status, reason, count(*) as n from notifications group by channel, status, reason order by channel',
    );
    expect(byChannel.map((r) => [r.channel, r.status, r.reason, Number(r.n)])).to.deep.equal([
      ['email', 'sent', null, EVENTS],
      ['in_app', 'sent', null, EVENTS],
      ['sms', 'suppressed', 'no_contact_point', EVENTS],
    ]);
    expect(counts).to.include({ sent: 2 * EVENTS, failed: 0, suppressed: EVENTS });
    report('S31 routed fan-out', counts, started, `(${ROUTED.length} channels per event)`);
  });
});
