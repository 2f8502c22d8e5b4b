import { expect } from 'chai';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, welcomes } from './support/scenario.js';

describe('S01 baseline: 1,000 events, no fault', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s01');
  });
  after(() => f.world.stop());

  it('delivers each of 1,000 events exactly once and leaves everything clean', async () => {
    const started = Date.now();
    await f.world.startService({ RABBITMQ_PREFETCH: '100' });
    await f.broker.publishAll(welcomes(1000, 's01').map((e) => e.message));
    const counts = await checkInvariants(f.world, f.broker, { accepted: 1000, poison: 0, allowAmbiguous: false, quiescenceMs: 90_000 });
    expect(counts).to.include({ sent: 1000, failed: 0, duplicates: 0, deadLettered: 0 });
    report('S01', counts, started);
  });
});
