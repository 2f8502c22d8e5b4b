import { expect } from 'chai';
import { UNROUTABLE } from '../support/broker.js';
import { E2E_ADMIN_KEY } from '../support/e2e-service.js';
import { StreamClient } from '../support/stream-client.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, sleep, sqlCount, waitForCount, welcomes } from './support/scenario.js';

const EVENTS = 100;

describe('S19 outgoing event unroutable', function () {
  describe('with no queue bound for notification.sent (alternate exchange in place)', () => {
    let f: FaultWorld;
    before(async () => {
      f = await faultWorld('flt_s19a', { capture: false });
    });
    after(() => f.world.stop());

    it('lands every notification.sent in the alternate exchange and marks it published', async () => {
      const started = Date.now();
      await f.world.startService();
      await f.broker.publishAll(welcomes(EVENTS, 's19a').map((e) => e.message));
      const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: false, captureQueue: UNROUTABLE });
      expect(counts.sent).to.equal(EVENTS);
      report('S19a', counts, started);
    });
  });

  describe('with no queue bound and the exchange policy (alternate exchange) cleared', () => {
    let f: FaultWorld;
    before(async () => {
      f = await faultWorld('flt_s19b', { capture: false });
      await f.broker.ctl('clear_policy', '-p', f.world.vhost.name, 'notification-service-exchange');
    });
    after(() => f.world.stop());

    it('keeps the outbox rows unpublished until a queue is bound, then publishes them', async () => {
      const started = Date.now();
      await f.world.startService();
      await f.broker.publishAll(welcomes(EVENTS, 's19b').map((e) => e.message));
      const db = f.world.db.name;
      await waitForCount(db, "select count(*) as n from notifications where status = 'sent'", EVENTS, 30_000, 'all sent');
      // The relay has tried (returned as unroutable) and must not have marked anything published.
      await waitForCount(db, "select count(*) as n from outbox where routing_key = 'notification.sent' and attempts > 0", EVENTS, 15_000, 'relay attempts');
      await sleep(2_000);
      expect(await sqlCount(db, 'select count(*) as n from outbox where published_at is not null'), 'published while unroutable').to.equal(0);
      expect(await sqlCount(db, 'select count(*) as n from outbox where published_at is null'), 'kept in the outbox').to.equal(EVENTS);
      await f.broker.bindCapture('capture.faults');
      const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: false });
      expect(counts.sent).to.equal(EVENTS);
      report('S19b', counts, started);
    });
  });

  describe('with an admin stream open, no queue bound and the exchange policy cleared', () => {
    let f: FaultWorld;
    let firehose: StreamClient | undefined;
    before(async () => {
      f = await faultWorld('flt_s19c', { capture: false });
      await f.broker.ctl('clear_policy', '-p', f.world.vhost.name, 'notification-service-exchange');
    });
    after(async () => {
      firehose?.close();
      await f.world.stop();
    });

    it('is no route for outcome events: the outbox keeps them until a queue is bound, and the admin then sees every one', async () => {
      const started = Date.now();
      await f.world.startService();
      firehose = await StreamClient.connect(f.world.admin.baseUrl, {}, { authorization: `Bearer ${E2E_ADMIN_KEY}` });
      await firehose.next((frame) => frame.type === 'connected', 5_000, 'connected');
      await f.broker.publishAll(welcomes(EVENTS, 's19c').map((e) => e.message));
      const db = f.world.db.name;
      await waitForCount(db, "select count(*) as n from notifications where status = 'sent'", EVENTS, 30_000, 'all sent');
      await waitForCount(db, "select count(*) as n from outbox where routing_key = 'notification.sent' and attempts > 0", EVENTS, 15_000, 'relay attempts');
      await sleep(2_000);
      expect(await sqlCount(db, 'select count(*) as n from outbox where published_at is not null'), 'published while only a stream watched').to.equal(0);
      expect(firehose.ofType('notification'), 'nothing streamed before it was published').to.deep.equal([]);
      await f.broker.bindCapture('capture.faults');
      const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: false });
      expect(counts.sent).to.equal(EVENTS);
      await firehose.next(() => firehose!.ofType('notification').length >= EVENTS, 30_000, 'every outcome on the admin stream');
      expect(new Set(firehose.ofType('notification').map((frame) => frame.event))).to.deep.equal(new Set(['notification.sent']));
      report('S19c', counts, started);
    });
  });
});
