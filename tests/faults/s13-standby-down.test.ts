import { expect } from 'chai';
import { PrivateWorld, report, sleep, userEvents } from './support/private-world.js';

const EVENTS = 150;
const READERS = 10;

describe('S13 standby down for the whole run', function () {
  let w: PrivateWorld;
  before(async function () {
    this.timeout(90_000);
    w = await PrivateWorld.create();
    await w.postgres.stopStandby();
  });
  after(async function () {
    this.timeout(60_000);
    await w?.stop();
  });

  it('reads fall back to the primary: zero 5xx, health degraded with the standby down', async function () {
    this.timeout(240_000);
    const started = Date.now();
    await w.startService();
    const events = userEvents(EVENTS, 's13');
    // Preferences for the first READERS users, written over REST (primary).
    for (const e of events.slice(0, READERS)) {
      const res = await w.admin.put(`/notifications/preferences/${e.userId}`, { notification_email: e.email, preferences: { welcome: true } });
      expect(res.status, `PUT preferences ${e.userId}: ${res.text}`).to.be.oneOf([200, 201]);
    }

    await w.publish(events.map((e) => e.message));
    // Read history and preferences over REST while the events are processed.
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let reads = 0;
    let historySeen = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      for (const e of events.slice(0, READERS)) {
        for (const path of [`/notifications/history/${e.userId}`, `/notifications/preferences/${e.userId}`]) {
          const res = await w.admin.get(path);
          reads += 1;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status !== 200) failures.push(`${path} ${res.status} ${res.text.slice(0, 200)}`);
          if (path.includes('history')) historySeen += (res.body.notifications as unknown[] | undefined)?.length ?? 0;
        }
      }
      if ((await w.counts()).final >= EVENTS && reads >= 200) break;
      await sleep(100);
    }
    const health = await w.health();

    expect(failures, 'reads that did not answer 200').to.deep.equal([]);
    expect(health.components.standby?.status, JSON.stringify(health.components)).to.equal('down');
    expect(health.overall, JSON.stringify(health.components)).to.equal('degraded');
    expect(health.status).to.equal(200);
    // The history reads (on the primary) saw the notifications once they existed.
    const lastHistory = await w.admin.get(`/notifications/history/${events[0]!.userId}`);
    const inDb = await w.count(`select count(*) as n from notifications where user_id = '${events[0]!.userId}'`);
    expect((lastHistory.body.notifications as unknown[]).length, lastHistory.text.slice(0, 1500)).to.equal(inDb).and.to.be.at.least(1);

    const counts = await w.checkInvariants({ accepted: EVENTS });
    expect(counts.sent).to.equal(EVENTS);
    report('S13', counts, started, `(REST reads ${reads}, history rows seen ${historySeen}, statuses ${JSON.stringify(Object.fromEntries(statuses))}; health ${health.overall}, standby ${health.components.standby?.status})`);
  });
});
