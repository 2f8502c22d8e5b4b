import { expect } from 'chai';
import { sqlOnPrimary } from '../support/databases.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, welcomes } from './support/scenario.js';

const EVENTS = 100;
const DROPS = 5;

describe('S06 SMTP connection dropped after DATA, before the reply (ambiguous window)', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s06');
  });
  after(() => f.world.stop());

  it('resends each ambiguous send with the same Message-ID: at most two copies, all sent', async () => {
    const started = Date.now();
    f.world.smtp.respondWith(Array.from({ length: DROPS }, () => ({ dropAfterData: true as const })));
    await f.world.startService();
    await f.broker.publishAll(welcomes(EVENTS, 's06').map((e) => e.message));
    const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: true });
    expect(counts.sent).to.equal(EVENTS);
    const dropped = f.world.smtp.allAttempts.filter((a) => 'dropAfterData' in a.behaviour).map((a) => a.messageId);
    expect(dropped).to.have.length(DROPS);
    const received = f.world.smtp.byMessageId();
    for (const id of dropped) expect(received.get(id), `a resend of ${id}`).to.have.length.within(1, 2);
    const outcomes = await sqlOnPrimary<{ outcomes: string[] }>(
      f.world.db.name,
      `select array_agg(a.outcome order by a.number) as outcomes from notification_attempts a group by a.notification_id having count(*) > 1`,
    );
    expect(outcomes.map((o) => o.outcomes.join(','))).to.deep.equal(Array(DROPS).fill('ambiguous,accepted'));
    report('S06', counts, started, `(dropped after DATA: ${DROPS}, resent: ${dropped.filter((id) => received.has(id)).length})`);
  });
});
