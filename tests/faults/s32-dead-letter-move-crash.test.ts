import { expect } from 'chai';
import { sqlOnPrimary } from '../support/databases.js';
import { DEAD_LETTER_QUEUE, type OutgoingMessage } from './support/fault-broker.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, metricValue, report, waitForCount, welcomes } from './support/scenario.js';

const POISON = 300;
const EVENTS = 50;
const STORED = 'select count(*) as n from dead_letters';

describe('S32 service SIGKILLed while it moves dead letters into their table', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s32');
  });
  after(() => f.world.stop());

  it('stores every dead-lettered message exactly once, and leaves the dead-letter queue empty', async () => {
    const started = Date.now();
    // The mover waits between commit and ack: a kill then leaves stored messages unacked, and the broker hands them back.
    await f.world.startService({ FAILPOINT_DEAD_LETTER_PAUSE_MS: '300', RABBITMQ_DEAD_LETTER_PREFETCH: '20' });
    const poison: OutgoingMessage[] = Array.from({ length: POISON }, (_, i) => ({ routingKey: 'user.welcome_requested', raw: Buffer.from(`{"marker":"s32-${i}",`), messageId: `s32-bad-${i}` }));
    const good = welcomes(EVENTS, 's32').map((e) => e.message);
    await f.broker.publishAll([...poison, ...good]);
    const storedAtKill = await waitForCount(f.world.db.name, STORED, 60, 30_000, 'dead letters being moved');
    f.world.service.signal('SIGKILL');
    expect(await f.world.service.exited()).to.equal(null);
    await f.world.startService();
    await waitForCount(f.world.db.name, STORED, POISON, 60_000, 'every dead letter moved');
    const exposition = (await f.world.admin.get('/broker/prometheus')).text;
    const redelivered = metricValue(exposition, 'notification_dead_letters_stored_total', { reason: 'unparseable', outcome: 'duplicate' });
    const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: poison.map((p) => p.messageId!), allowAmbiguous: true });
    const [row] = await sqlOnPrimary<{ n: string; markers: string }>(f.world.db.name, `select count(*) as n, count(distinct convert_from(body, 'utf8')) as markers from dead_letters`);
    expect([Number(row?.n), Number(row?.markers)], 'rows and distinct markers').to.deep.equal([POISON, POISON]);
    expect(await f.broker.messageCount(DEAD_LETTER_QUEUE), 'the dead-letter queue after stop').to.equal(0);
    expect(redelivered, 'redeliveries of stored messages taken for duplicates').to.be.greaterThan(0);
    report('S32', counts, started, `(stored at kill: ${storedAtKill}, redelivered and absorbed: ${redelivered})`);
  });
});
