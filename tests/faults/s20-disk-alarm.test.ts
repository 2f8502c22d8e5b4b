import { expect } from 'chai';
import { CAPTURE_QUEUE, PrivateWorld, report, sleep, userEvents } from './support/private-world.js';

const EVENTS = 200;
const ALARM_MS = 30_000;

describe('S20 broker disk alarm for 30 s while relaying', function () {
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

  it('blocks publishing during the alarm, loses nothing, publishes every outcome after', async function () {
    this.timeout(240_000);
    const started = Date.now();
    // One SMTP connection: sends (and so new outbox rows) go on through the alarm.
    await w.startService({ SMTP_MAX_CONNECTIONS: '1', DELIVERY_CONCURRENCY: '2' });
    await w.publish(userEvents(EVENTS, 's20').map((e) => e.message));
    const capturedAtAlarm = await (async () => {
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
        const n = await w.broker.messageCount(CAPTURE_QUEUE);
        if (n >= 20) return n;
      }
      throw new Error('no notification.sent captured before the alarm');
    })();

    await w.mq.raiseDiskAlarm();
    const raisedAt = Date.now();
    const captured: number[] = [];
    const unpublished: number[] = [];
    let sentDuring = 0;
    try {
      await sleep(2_000); // publishes already on the wire when the alarm went up may still land
      const sentAfterGrace = (await w.counts()).sent;
      while (Date.now() - raisedAt < ALARM_MS) {
        captured.push(await w.broker.messageCount(CAPTURE_QUEUE));
        unpublished.push((await w.counts()).unpublished);
        await sleep(2_000);
      }
      sentDuring = (await w.counts()).sent - sentAfterGrace;
    } finally {
      await w.mq.clearDiskAlarm();
    }
    const blockedPublishes = w.service?.logLines().filter((l) => /block/i.test(String(l.msg))).map((l) => String(l.msg)) ?? [];

    // Publishing blocked: no outcome reached the capture queue while the alarm lasted, and the outbox held rows.
    expect(new Set(captured).size, `captured during the alarm: ${captured.join(',')}`).to.equal(1);
    expect(Math.max(...unpublished), 'unpublished outbox rows during the alarm').to.be.greaterThan(0);

    const counts = await w.checkInvariants({ accepted: EVENTS, quiescenceMs: 120_000 });
    expect(counts.sent).to.equal(EVENTS);
    report(
      'S20',
      counts,
      started,
      `(captured at alarm ${capturedAtAlarm}, during ${captured.join(',')}; unpublished during ${unpublished.join(',')}; sent during the alarm ${sentDuring}; service log on blocking: ${[...new Set(blockedPublishes)].join(' | ')})`,
    );
  });
});
