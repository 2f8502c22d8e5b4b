import { expect } from 'chai';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, sleep, welcomes } from './support/scenario.js';

const EVENTS = 100;

describe('S15 every event published three times, the third much later', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s15');
  });
  after(() => f.world.stop());

  it('gives one effect per event', async () => {
    const started = Date.now();
    await f.world.startService();
    const events = welcomes(EVENTS, 's15').map((e) => e.message);
    await f.broker.publishAll([...events, ...events]);
    await sleep(10_000);
    await f.broker.publishAll(events);
    const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: false });
    expect(counts).to.include({ sent: EVENTS, duplicates: 0 });
    expect(f.world.smtp.messages).to.have.length(EVENTS);
    report('S15', counts, started);
  });
});
