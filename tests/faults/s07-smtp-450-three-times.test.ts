import { expect } from 'chai';
import { sqlOnPrimary } from '../support/databases.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, welcomes } from './support/scenario.js';

describe('S07 SMTP 450 for the first three attempts', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s07');
  });
  after(() => f.world.stop());

  it('makes four ordered attempts, each at least its planned delay (less 20 % jitter) after the last, then sends', async () => {
    const started = Date.now();
    f.world.smtp.respondWith([{ reply: 450 }, { reply: 450 }, { reply: 450 }]);
    const plan = [1_000, 2_000, 3_000];
    await f.world.startService({ RETRY_PLAN_NORMAL: '1s,2s,3s' });
    const [event] = welcomes(1, 's07');
    await f.broker.publishAll([event!.message]);
    // A welcome is `normal`: its plan's delays move by at most ±20 %, so each gap is at least 80 % of
    // its delay. And attempt n+1 is never made before the next_attempt_at scheduled after attempt n.
    const scheduled = new Map<number, Date>();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [row] = await sqlOnPrimary<{ status: string; attempts: string; next_attempt_at: Date | null }>(
        f.world.db.name,
        `select status, (select count(*) from notification_attempts a where a.notification_id = n.id) as attempts, next_attempt_at from notifications n`,
      );
      if (row?.status === 'retrying' && row.next_attempt_at && !scheduled.has(Number(row.attempts))) scheduled.set(Number(row.attempts), row.next_attempt_at);
      if (row?.status === 'sent' || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const attempts = await sqlOnPrimary<{ number: number; outcome: string; attempted_at: Date }>(f.world.db.name, 'select number, outcome, attempted_at from notification_attempts order by number');
    expect(attempts.map((a) => a.outcome)).to.deep.equal(['transient_failure', 'transient_failure', 'transient_failure', 'accepted']);
    expect(attempts.map((a) => a.number)).to.deep.equal([1, 2, 3, 4]);
    for (let i = 1; i < attempts.length; i++) {
      const gap = attempts[i]!.attempted_at.getTime() - attempts[i - 1]!.attempted_at.getTime();
      expect(gap, `gap before attempt ${i + 1}`).to.be.at.least(0.8 * plan[i - 1]!);
    }
    expect(f.world.smtp.allAttempts).to.have.length(4);
    expect(scheduled.size, 'schedules observed').to.be.at.least(1);
    for (const [after, due] of scheduled) {
      const next = attempts.find((a) => a.number === after + 1);
      expect(next!.attempted_at.getTime(), `attempt ${after + 1} not before its next_attempt_at`).to.be.at.least(due.getTime());
    }
    const counts = await checkInvariants(f.world, f.broker, { accepted: 1, poison: 0, allowAmbiguous: false });
    expect(counts.sent).to.equal(1);
    report('S07', counts, started, `(gaps ms: ${attempts.slice(1).map((a, i) => a.attempted_at.getTime() - attempts[i]!.attempted_at.getTime()).join('/')}, schedules seen: ${scheduled.size})`);
  });
});
