import { expect } from 'chai';
import { sqlOnPrimary } from '../support/databases.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, welcomes } from './support/scenario.js';

const EVENTS = 20;

describe('S10 SMTP slower than the socket timeout', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s10');
  });
  after(() => f.world.stop());

  it('treats the timed-out send as ambiguous, not failed, and sends it again', async () => {
    const started = Date.now();
    f.world.smtp.respondWith([{ hangAfterData: true }, { hangAfterData: true }]);
    await f.world.startService({ SMTP_SOCKET_TIMEOUT_MS: '500' });
    await f.broker.publishAll(welcomes(EVENTS, 's10').map((e) => e.message));
    const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: true });
    expect(counts).to.include({ sent: EVENTS, failed: 0 });
    const hung = f.world.smtp.allAttempts.filter((a) => 'hangAfterData' in a.behaviour).map((a) => a.messageId);
    expect(hung).to.have.length(2);
    const received = f.world.smtp.byMessageId();
    for (const id of hung) expect(received.get(id), `a resend of ${id}`).to.have.length(1);
    const outcomes = await sqlOnPrimary<{ outcomes: string[] }>(
      f.world.db.name,
      'select array_agg(outcome order by number) as outcomes from notification_attempts group by notification_id having count(*) > 1',
    );
    expect(outcomes.map((o) => o.outcomes.join(','))).to.deep.equal(['ambiguous,accepted', 'ambiguous,accepted']);
    report('S10', counts, started);
  });
});
