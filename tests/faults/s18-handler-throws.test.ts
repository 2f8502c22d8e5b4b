import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { eventually } from '../support/databases.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, welcomes } from './support/scenario.js';
import { storedDeadLetters } from '../support/stored-dead-letters.js';

const HEALTHY = 50;
const MARKER = 's18-always-throws';

describe('S18 a payload that makes the handler throw every time', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s18');
  });
  after(() => f.world.stop());

  it('is dead-lettered by the broker after the delivery limit, and no healthy message is', async () => {
    const started = Date.now();
    // A test-only failpoint makes the handler throw for this one message, as a bug would.
    await f.world.startService({ FAILPOINT_HANDLER_THROWS_ON: MARKER });
    const poisonId = randomUUID();
    await f.broker.publishAll([
      { routingKey: 'user.welcome_requested', messageId: poisonId, body: { event_id: poisonId, userid: MARKER, email: 'poison@example.com' } },
      ...welcomes(HEALTHY, 's18').map((e) => e.message),
    ]);
    const dead = await eventually(async () => (await storedDeadLetters(f.world.db.name)).find((m) => m.messageId === poisonId), 60_000, 'the poison dead-lettered');
    const death = (dead.headers['x-death'] as Array<Record<string, unknown>> | undefined)?.[0];
    expect(death?.reason).to.equal('delivery_limit');
    const counts = await checkInvariants(f.world, f.broker, { accepted: HEALTHY, poison: [poisonId], allowAmbiguous: false });
    expect(counts).to.include({ sent: HEALTHY, failed: 0, deadLettered: 1 });
    expect(f.world.smtp.messages.some((m) => m.to.includes('poison@example.com'))).to.equal(false);
    report('S18', counts, started);
  });
});
