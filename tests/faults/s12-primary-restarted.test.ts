import { expect } from 'chai';
import { PrivateWorld, report, sleep, userEvents } from './support/private-world.js';

const EVENTS = 200;

describe('S12 primary restarted (pg_ctl -m immediate stop, start)', function () {
  let w: PrivateWorld;
  before(async function () {
    this.timeout(90_000);
    w = await PrivateWorld.create();
  });
  after(async function () {
    this.timeout(60_000);
    await w?.stop();
  });

  // An immediate stop kills connections in use: the service must survive it (every pg client has an
  // 'error' listener, src/adapters/postgres/pool.ts) and finish everything after the restart.
  it('recovers after the crash restart and gives one effect per event', async function () {
    this.timeout(240_000);
    const started = Date.now();
    await w.startService({
      RABBITMQ_PREFETCH: '10',
      DELIVERY_CONCURRENCY: '2',
      SMTP_MAX_CONNECTIONS: '1',
      DB_QUERY_TIMEOUT_MS: '3000',
      DB_CONNECTION_TIMEOUT_MS: '3000',
      DB_STATEMENT_TIMEOUT_MS: '2500',
    });
    const events = userEvents(EVENTS, 's12').map((e) => e.message);
    await w.publish(events.slice(0, EVENTS / 2));
    const sentAtCrash = await w.waitForCount("select count(*) as n from notifications where status = 'sent'", 30, 60_000, 'some sends');
    await w.publish(events.slice(EVENTS / 2));
    const pidBefore = w.postgres.postmasterPid();
    const t0 = Date.now();
    await w.postgres.restartImmediate();
    const restartMs = Date.now() - t0;
    expect(w.postgres.postmasterPid()).to.be.a('number').and.not.equal(pidBefore);
    // The service must survive its primary's crash (no unhandled 'error' from a pg client).
    await sleep(3_000);
    expect(w.serviceRunning(), `the service is still running after the restart; output tail:\n${w.service?.output.slice(-40).join('\n')}`).to.equal(true);

    const counts = await w.checkInvariants({ accepted: EVENTS, allowAmbiguous: true, quiescenceMs: 120_000 });
    expect(counts.sent).to.equal(EVENTS);
    report('S12', counts, started, `(sent at crash ${sentAtCrash}; restart took ${restartMs} ms)`);
  });
});
