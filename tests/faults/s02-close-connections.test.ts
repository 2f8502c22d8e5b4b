import { expect } from 'chai';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, sleep, waitForCount, welcomes } from './support/scenario.js';

const EVENTS = 300;

describe('S02 close_all_connections three times while consuming', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s02');
  });
  after(() => f.world.stop());

  it('reconnects each time and still gives one effect per event', async () => {
    const started = Date.now();
    // A small prefetch and slow-ish sends keep consumption going across the three closes.
    await f.world.startService({ RABBITMQ_PREFETCH: '10', DELIVERY_CONCURRENCY: '2', SMTP_MAX_CONNECTIONS: '1' });
    await f.broker.publishAll(welcomes(EVENTS, 's02').map((e) => e.message));
    // The first close while events are consumed, the next two while sends and relaying go on.
    const thresholds = ['select count(*) as n from inbox', "select count(*) as n from notifications where status = 'sent'", "select count(*) as n from notifications where status = 'sent'"];
    const atClose: number[] = [];
    for (const [i, sql] of thresholds.entries()) {
      atClose.push(await waitForCount(f.world.db.name, sql, 40 + i * 80, 30_000, `round ${i + 1}`));
      await f.broker.closeAllConnections(`fault S02 round ${i + 1}`);
      await sleep(300);
    }
    const consumedAtLastClose = atClose[2] ?? EVENTS;
    const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: true });
    expect(counts.sent).to.equal(EVENTS);
    expect(atClose[0], 'the first close happened while consuming').to.be.below(EVENTS);
    expect(consumedAtLastClose, 'the last close happened while sending').to.be.below(EVENTS);
    report('S02', counts, started, `(inbox at 1st close: ${atClose[0]}, sent at 2nd/3rd: ${atClose[1]}/${atClose[2]})`);
  });
});
