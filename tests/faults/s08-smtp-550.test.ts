import { expect } from 'chai';
import { sqlOnPrimary } from '../support/databases.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, welcomes } from './support/scenario.js';

const EVENTS = 50;

describe('S08 SMTP 550: failed at once', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s08');
  });
  after(() => f.world.stop());

  it('fails the notification after one attempt, publishes one notification.failed, acks the event and dead-letters nothing', async () => {
    const started = Date.now();
    f.world.smtp.respondWith([{ reply: 550, message: 'no such user' }]);
    await f.world.startService();
    await f.broker.publishAll(welcomes(EVENTS, 's08').map((e) => e.message));
    const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: false });
    expect(counts).to.include({ sent: EVENTS - 1, failed: 1, deadLettered: 0 });
    const [failed] = await sqlOnPrimary<{ attempts: string }>(f.world.db.name, "select (select count(*) from notification_attempts a where a.notification_id = n.id) as attempts from notifications n where status = 'failed'");
    expect(Number(failed?.attempts)).to.equal(1);
    const failedEvents = (await f.broker.drain('capture.faults')).filter((m) => m.routingKey === 'notification.failed');
    expect(failedEvents).to.have.length(1);
    expect(String(failedEvents[0]?.body.error_message)).to.include('550');
    report('S08', counts, started);
  });
});
