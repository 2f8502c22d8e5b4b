import { expect } from 'chai';
import { ServiceProcess } from '../support/service-process.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, waitForCount, welcomes } from './support/scenario.js';

const EVENTS = 300;

describe('S22 two instances on one queue, one SIGKILLed mid-run', function () {
  let f: FaultWorld;
  let second: ServiceProcess | undefined;
  before(async () => {
    f = await faultWorld('flt_s22');
  });
  after(async () => {
    await second?.stop();
    await f.world.stop();
  });

  it('sends no notification from both and delivers all of them', async () => {
    const started = Date.now();
    const env = { DELIVERY_LEASE_MS: '3000', RABBITMQ_PREFETCH: '20', DELIVERY_CONCURRENCY: '4', SMTP_MAX_CONNECTIONS: '2' };
    await f.world.startService(env);
    second = (await ServiceProcess.start({ ...f.world.env(env), PORT: '0', HOST: '127.0.0.1' })).service;
    await f.broker.publishAll(welcomes(EVENTS, 's22').map((e) => e.message));
    const sentAtKill = await waitForCount(f.world.db.name, "select count(*) as n from notifications where status = 'sent'", 60, 30_000, 'some sends');
    second.signal('SIGKILL');
    expect(await second.exited()).to.equal(null);
    const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: true });
    expect(counts.sent).to.equal(EVENTS);
    // Both instances worked: the killed one's log shows consumption.
    report('S22', counts, started, `(sent at kill: ${sentAtKill})`);
  });
});
