import { expect } from 'chai';
import { counterSum } from './support/broker-checks.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, waitForCount, welcomes } from './support/scenario.js';
import { LimitedRole, lockTables, restWhile } from './support/try-later.js';

const EVENTS = 200;
const TRY_LATER_MS = 15_000;
const REST_503 = 'retry-after=5';

/**
 * Half the events are consumed before the fault, half published into it; REST is called every 2 s
 * meanwhile. `fault` starts it and returns what ends it.
 */
async function throughTryLater(f: FaultWorld, tag: string, fault: () => Promise<() => Promise<void>>): Promise<string[]> {
  const events = welcomes(EVENTS, tag).map((e) => e.message);
  await f.broker.publishAll(events.slice(0, EVENTS / 2));
  await waitForCount(f.world.db.name, 'select count(*) as n from inbox', EVENTS / 4, 60_000, 'some events consumed before the fault');
  const end = await fault();
  try {
    await f.broker.publishAll(events.slice(EVENTS / 2));
    return await restWhile(f.world, TRY_LATER_MS);
  } finally {
    await end();
  }
}

/** No event requeued at once (which burns the delivery limit) and none dead-lettered, by the service's own count. */
async function expectHeldNotRequeued(f: FaultWorld): Promise<void> {
  const exposition = (await f.world.admin.get('/broker/prometheus')).text;
  expect(counterSum(exposition, 'notification_events_consumed_total', 'outcome="requeued"'), 'events requeued').to.equal(0);
  expect(counterSum(exposition, 'notification_dead_lettered_total'), 'events dead-lettered').to.equal(0);
}

describe('S25 the database says try later for 15 s', function () {
  let f: FaultWorld;
  afterEach(() => f?.world.stop());

  it('tables locked past a 250 ms statement timeout: nothing dead-lettered, REST 503 with Retry-After meanwhile, all delivered after', async () => {
    const started = Date.now();
    f = await faultWorld('flt_s25_lock');
    await f.world.startService({ DB_STATEMENT_TIMEOUT_MS: '250' });
    const rest = await throughTryLater(f, 's25-lock', async () => (await lockTables(f.world.db.url, ['inbox', 'notifications'])).release);
    expect(rest.filter((answer) => !answer.startsWith('503') || !answer.endsWith(REST_503)), `REST answers: ${rest.join(', ')}`).to.deep.equal([]);
    await waitForCount(f.world.db.name, "select count(*) as n from notifications where status = 'sent'", EVENTS, 90_000, 'every event delivered');
    await expectHeldNotRequeued(f);
    const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: false });
    expect(counts).to.include({ sent: EVENTS, failed: 0, deadLettered: 0 });
    report('S25 locked', counts, started, `(REST: ${rest.length} calls, all 503)`);
  });

  it('too many connections (53300) for the service: nothing dead-lettered, REST 503 with Retry-After meanwhile, all delivered after', async () => {
    const started = Date.now();
    f = await faultWorld('flt_s25_conn');
    const role = await LimitedRole.create(f.world.db.name);
    try {
      await f.world.startService({ DATABASE_URL: role.url(f.world.db.url), STANDBY_DATABASE_URL: role.url(f.world.db.standbyUrl) });
      const rest = await throughTryLater(f, 's25-conn', async () => (await role.refuseConnections(), () => role.allowConnections()));
      expect(f.world.service.output.some((line) => line.includes('too many connections for role')), 'the service saw 53300').to.equal(true);
      expect(rest.filter((answer) => !answer.startsWith('503') || !answer.endsWith(REST_503)), `REST answers: ${rest.join(', ')}`).to.deep.equal([]);
      await waitForCount(f.world.db.name, "select count(*) as n from notifications where status = 'sent'", EVENTS, 90_000, 'every event delivered');
      await expectHeldNotRequeued(f);
      const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: false });
      expect(counts).to.include({ sent: EVENTS, failed: 0, deadLettered: 0 });
      report('S25 connections', counts, started, `(REST: ${rest.length} calls, all 503)`);
    } finally {
      await f.world.service?.stop();
      await role.drop();
    }
  });
});
