import { expect } from 'chai';
import { PrivateWorld, report, sleep, userEvents } from './support/private-world.js';

const EVENTS = 300;

describe('S21 connections closed with 100+ unconfirmed publishes in flight', function () {
  let w: PrivateWorld;
  before(async function () {
    this.timeout(90_000);
    w = await PrivateWorld.create();
  });
  after(async function () {
    this.timeout(60_000);
    await w?.mq.clearDiskAlarm().catch(() => undefined);
    await w?.stop();
  });

  it('republishes every outcome event', async function () {
    this.timeout(240_000);
    const started = Date.now();
    await w.startService({ OUTBOX_BATCH_SIZE: '200' });
    await w.publish(userEvents(EVENTS, 's21').map((e) => e.message));
    await w.waitForCount("select count(*) as n from notifications where status = 'sent'", 20, 60_000, 'some sends');
    // A disk alarm holds the relay's publishes unconfirmed (the connection is blocked, the batch
    // in flight); sends go on, so the unpublished outbox grows past 100.
    await w.mq.raiseDiskAlarm();
    let unpublishedAtClose = 0;
    const closes: Array<{ at: string; unpublished: number }> = [];
    try {
      unpublishedAtClose = await w.waitForCount('select count(*) as n from outbox where published_at is null', 120, 60_000, '120 unpublished outbox rows');
      await sleep(1_000); // let the relay put its next batch on the (blocked) wire
      unpublishedAtClose = (await w.counts()).unpublished;
      await w.mq.closeAllConnections('fault S21 round 1 (blocked, unconfirmed in flight)');
      closes.push({ at: 'blocked', unpublished: unpublishedAtClose });
      await sleep(3_000); // the service reconnects (still blocked) and tries again
    } finally {
      await w.mq.clearDiskAlarm();
    }
    // Two more closes while the relay republishes: as soon as the unpublished count starts to fall, and 200 ms later.
    const falling = await w.waitForCount(`select ${unpublishedAtClose} - count(*) as n from outbox where published_at is null`, 1, 30_000, 'the relay to resume');
    for (const round of [2, 3]) {
      const unpublished = (await w.counts()).unpublished;
      await w.mq.closeAllConnections(`fault S21 round ${round}`);
      closes.push({ at: `relaying ${round}`, unpublished });
      await sleep(200);
    }
    expect(unpublishedAtClose, 'unpublished outbox rows at the first close').to.be.at.least(100);

    const counts = await w.checkInvariants({ accepted: EVENTS, quiescenceMs: 120_000 });
    expect(counts.sent).to.equal(EVENTS);
    report('S21', counts, started, `(relay resumed ${falling} row(s) before round 2; closes: ${closes.map((c) => `${c.at}: ${c.unpublished} unpublished`).join('; ')})`);
  });
});
