import { expect } from 'chai';
import { PrivateWorld, report, sleep, userEvents } from './support/private-world.js';

const EVENTS = 200;
const FREEZE_MS = 20_000;

describe('S11 primary frozen (kill -STOP) for 20 s', function () {
  let w: PrivateWorld;
  before(async function () {
    this.timeout(90_000);
    w = await PrivateWorld.create();
  });
  after(async function () {
    this.timeout(60_000);
    await w?.stop();
  });

  // Connections torn down around the freeze must not crash the service: a checked-out pg client
  // losing its server emits 'error', which src/adapters/postgres/pool.ts handles on every client.
  it('acks nothing while frozen and finishes everything after thaw', async function () {
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
    // The first half is consumed before the freeze; the second half is published right after it,
    // so there is work in the queue that a healthy service would ack within the 20 s.
    const events = userEvents(EVENTS, 's11').map((e) => e.message);
    await w.publish(events.slice(0, EVENTS / 2));
    await w.waitForCount('select count(*) as n from inbox', EVENTS / 2, 60_000, 'the first half consumed');
    await w.waitForCount("select count(*) as n from notifications where status = 'sent'", 20, 60_000, 'some sends');

    w.postgres.freeze();
    const frozenAt = Date.now();
    await w.publish(events.slice(EVENTS / 2));
    const depths: Array<{ ready: number; unacked: number }> = [];
    let sinkAtFreeze = 0;
    try {
      await sleep(1_500); // acks of transactions that committed before the freeze may still be on the wire
      sinkAtFreeze = w.smtp.messages.length;
      while (Date.now() - frozenAt < FREEZE_MS) {
        depths.push(await w.serviceQueueDepth());
        await sleep(1_000);
      }
    } finally {
      w.postgres.thaw();
    }
    const thawedAfter = Date.now() - frozenAt;
    const totals = depths.map((d) => d.ready + d.unacked);
    // Nothing acked while frozen: the second half, published after the freeze, stays in the queue
    // (ready + unacked) for the whole freeze. Leading zeros are skipped: list_queues reports a
    // quorum queue's counts a moment late (0 for the first one or two probes).
    const firstCounted = totals.findIndex((t) => t > 0);
    const settled = firstCounted < 0 ? [] : totals.slice(firstCounted);
    expect(settled.length, 'queue probes while frozen').to.be.at.least(8);
    expect(settled.filter((t) => t !== EVENTS / 2), `queue depth (ready + unacked) while frozen: ${totals.join(',')}`).to.deep.equal([]);

    await sleep(3_000);
    expect(w.serviceRunning(), `the service is still running after the thaw; output tail:\n${w.service?.output.slice(-30).join('\n')}`).to.equal(true);
    const counts = await w.checkInvariants({ accepted: EVENTS, allowAmbiguous: true, quiescenceMs: 120_000 });
    expect(counts.sent).to.equal(EVENTS);
    const restarts = w.service?.logLines().filter((l) => /listening/.test(String(l.msg))).length;
    report(
      'S11',
      counts,
      started,
      `(frozen ${thawedAfter} ms; queue depth while frozen ${totals.join(',')}; sink at freeze+1.5s ${sinkAtFreeze}; listening lines ${restarts})`,
    );
  });
});
