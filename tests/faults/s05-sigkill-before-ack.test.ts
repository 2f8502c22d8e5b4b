import { expect } from 'chai';
import { sqlOnPrimary } from '../support/databases.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, waitForCount, welcomes } from './support/scenario.js';

const EVENTS = 300;

describe('S05 service SIGKILLed after the commit, before the ack', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s05');
  });
  after(() => f.world.stop());

  it('absorbs the redeliveries in the inbox: zero duplicate effects', async () => {
    const started = Date.now();
    const env = { DELIVERY_LEASE_MS: '3000', RABBITMQ_PREFETCH: '100' };
    await f.world.startService(env);
    await f.broker.publishAll(welcomes(EVENTS, 's05').map((e) => e.message));
    // Killed while events are being consumed: committed inbox rows whose acks never left.
    await waitForCount(f.world.db.name, 'select count(*) as n from inbox', 60, 30_000, 'consumption');
    f.world.service.signal('SIGKILL');
    expect(await f.world.service.exited()).to.equal(null);
    const inboxAtKill = await waitForCount(f.world.db.name, 'select count(*) as n from inbox', 0, 1_000, 'inbox');
    await f.world.startService(env);
    const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: true });
    expect(counts.sent).to.equal(EVENTS);
    const summary = (await sqlOnPrimary<{ n: string }>(f.world.db.name, 'select count(*) as n from notifications group by source_event_id having count(*) > 1')).length;
    expect(summary, 'events with more than one notification').to.equal(0);
    report('S05', counts, started, `(inbox at kill: ${inboxAtKill})`);
  });
});
