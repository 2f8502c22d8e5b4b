import { expect } from 'chai';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, waitForCount, welcomes } from './support/scenario.js';

const EVENTS = 150;

describe('S04 service SIGKILLed right after SMTP accepted, before the database commit', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s04');
  });
  after(() => f.world.stop());

  it('resends the cut-off sends with the same Message-ID after the restart and loses nothing', async () => {
    const started = Date.now();
    const env = { DELIVERY_LEASE_MS: '3000', RABBITMQ_PREFETCH: '50', DELIVERY_CONCURRENCY: '4' };
    await f.world.startService(env);
    // The sink's accept triggers the kill: the 30th accepted message SIGKILLs the service in the
    // same tick it is recorded, before the 250 reply is even written.
    const messages = f.world.smtp.messages;
    const push = messages.push.bind(messages);
    let killed = false;
    let acceptedBeforeKill = 0;
    messages.push = (...items) => {
      const length = push(...items);
      if (!killed && length >= 30) {
        killed = true;
        acceptedBeforeKill = length;
        f.world.service.signal('SIGKILL');
      }
      return length;
    };
    await f.broker.publishAll(welcomes(EVENTS, 's04').map((e) => e.message));
    await waitForCount(f.world.db.name, 'select count(*) as n from inbox', 30, 30_000, 'consumption');
    expect(await f.world.service.exited(30_000)).to.equal(null);
    const [sentAtKill] = await Promise.all([waitForCount(f.world.db.name, "select count(*) as n from notifications where status = 'sent'", 0, 1_000, 'sent')]);
    await f.world.startService(env);
    const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: true });
    expect(counts.sent).to.equal(EVENTS);
    // At least the message accepted when the kill fired had not been committed as sent.
    expect(sentAtKill).to.be.below(acceptedBeforeKill);
    report('S04', counts, started, `(accepted at kill: ${acceptedBeforeKill}, committed sent at kill: ${sentAtKill})`);
  });
});
