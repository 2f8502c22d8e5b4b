import { expect } from 'chai';
import { PrivateWorld, report, sleep, userEvents } from './support/private-world.js';

const CONSUMER_TIMEOUT_MS = 3_000;
const SLOW_SEND_MS = 5_000;
const EVENTS = 20;
const FREEZE_MS = 9_000;

/**
 * A broker node whose consumer_timeout is 3 s. A consumer that acked only after the SMTP send (or
 * whose handler stalls) would have its channel closed and the delivery requeued: a second email.
 * The service acks an event once its notification is committed, before any send; a handler that
 * stalls past the timeout loses its channel, and the redelivery finds the event in the inbox.
 */
describe('S23 a send that outlives the broker consumer timeout', function () {
  let w: PrivateWorld;
  before(async function () {
    this.timeout(90_000);
    w = await PrivateWorld.create({ consumerTimeoutMs: CONSUMER_TIMEOUT_MS });
  });
  after(async function () {
    this.timeout(60_000);
    w?.postgres.thaw();
    await w?.stop();
  });

  const channelLosses = () => (w.service?.logLines() ?? []).filter((l) => l.msg === 'broker channel lost; reconnecting').map((l) => String(l.reason));

  it('sends one email per notification, whether the send or the handler outlives the timeout', async function () {
    this.timeout(240_000);
    const started = Date.now();
    await w.startService({ SMTP_MAX_CONNECTIONS: '5', DELIVERY_CONCURRENCY: '5', SMTP_SOCKET_TIMEOUT_MS: '20000' });

    // Phase 1: every SMTP transaction takes 5 s, longer than the consumer timeout.
    w.smtp.respondWith(Array.from({ length: EVENTS }, () => ({ acceptAfterMs: SLOW_SEND_MS })));
    const slow = userEvents(EVENTS, 's23-slow');
    await w.publish(slow.map((e) => e.message));
    await w.waitForCount("select count(*) as n from notifications where status = 'sent'", EVENTS, 90_000, 'the slow sends');
    const slowest = Math.max(...(await w.sql<{ ms: number }>('select latency_ms as ms from notification_attempts')).map((r) => Number(r.ms)));
    expect(slowest, 'an SMTP transaction outlived the consumer timeout').to.be.greaterThan(CONSUMER_TIMEOUT_MS);
    expect(channelLosses(), 'channels the broker closed during the slow sends').to.deep.equal([]);
    expect(w.smtp.messages.filter((m) => slow.some((e) => m.to.includes(e.email)))).to.have.length(EVENTS);

    // Phase 2: the handler itself stalls (primary frozen) with deliveries unacknowledged.
    w.postgres.freeze();
    const stalled = userEvents(EVENTS, 's23-stalled');
    try {
      await w.publish(stalled.map((e) => e.message));
      await sleep(FREEZE_MS);
    } finally {
      w.postgres.thaw();
    }
    const losses = channelLosses();
    expect(losses.length, 'the broker closed the stalled consumer channel').to.be.at.least(1);
    expect(losses[0]).to.match(/PRECONDITION.FAILED.*timed out/i);

    const counts = await w.checkInvariants({ accepted: 2 * EVENTS, quiescenceMs: 120_000 });
    expect(counts).to.include({ sent: 2 * EVENTS, duplicates: 0, deadLettered: 0 });
    expect(w.smtp.byMessageId().size).to.equal(2 * EVENTS);
    report('S23', counts, started, `(slowest send ${slowest} ms; consumer timeout ${CONSUMER_TIMEOUT_MS} ms; channels closed by the broker ${losses.length}: ${losses[0]})`);
  });
});
