import { expect } from 'chai';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, waitForCount, welcomes } from './support/scenario.js';
import { storedDeadLetters } from '../support/stored-dead-letters.js';

const EVENTS = 50;
const CONFLICTS = 5;

describe('S16 same event id, different payload', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s16');
  });
  after(() => f.world.stop());

  it('keeps the first, dead-letters the conflict as payload_conflict and sends no extra email', async () => {
    const started = Date.now();
    await f.world.startService();
    const events = welcomes(EVENTS, 's16');
    await f.broker.publishAll(events.map((e) => e.message));
    await waitForCount(f.world.db.name, 'select count(*) as n from inbox', EVENTS, 30_000, 'the originals consumed');
    const conflicts = events.slice(0, CONFLICTS).map((e, i) => ({
      ...e.message,
      messageId: `conflict-${i}`,
      body: { ...(e.message.body as Record<string, unknown>), email: `conflict-${i}@example.com` },
    }));
    await f.broker.publishAll(conflicts);
    const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: conflicts.map((c) => c.messageId), allowAmbiguous: false });
    const dead = await storedDeadLetters(f.world.db.name);
    expect(dead.map((m) => m.headers['x-dead-letter-reason'])).to.deep.equal(Array(CONFLICTS).fill('payload_conflict'));
    expect(f.world.smtp.messages.filter((m) => m.to.some((t) => t.startsWith('conflict-')))).to.deep.equal([]);
    expect(counts).to.include({ sent: EVENTS, deadLettered: CONFLICTS });
    report('S16', counts, started);
  });
});
