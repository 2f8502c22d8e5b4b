import { expect } from 'chai';
import { PrivateWorld, report, sleep, userEvents } from './support/private-world.js';

const EVENTS = 200;
const OUTAGE_MS = 20_000;

describe('S03 broker stop_app for 20 s during consumption and relay, then start_app', function () {
  let w: PrivateWorld;
  before(async function () {
    this.timeout(90_000);
    w = await PrivateWorld.create();
  });
  after(async function () {
    this.timeout(60_000);
    await w?.stop();
  });

  it('reports rabbitmq down while it lasts and delivers everything after', async function () {
    this.timeout(240_000);
    const started = Date.now();
    // A small prefetch and one SMTP connection keep consumption and relaying going across the outage.
    await w.startService({ RABBITMQ_PREFETCH: '10', DELIVERY_CONCURRENCY: '2', SMTP_MAX_CONNECTIONS: '1' });
    // Events trickle in (10 every 250 ms), so the broker stops while events are still being consumed;
    // a batch whose publish fails (broker stopped) is published again until confirmed.
    const events = userEvents(EVENTS, 's03').map((e) => e.message);
    let publishRetries = 0;
    const publisher = (async () => {
      for (let i = 0; i < events.length; i += 10) {
        for (;;) {
          try {
            await w.publish(events.slice(i, i + 10));
            break;
          } catch {
            publishRetries += 1;
            await sleep(500);
          }
        }
        await sleep(250);
      }
    })();
    await w.waitForCount('select count(*) as n from inbox', 50, 60_000, 'some events consumed before stop_app');
    const sentAtStop = await w.waitForCount("select count(*) as n from notifications where status = 'sent'", 20, 60_000, 'some sends before stop_app');
    const inboxAtStop = await w.count('select count(*) as n from inbox');

    await w.mq.stopApp();
    const stoppedAt = Date.now();
    const rabbitStates: string[] = [];
    const httpStatuses: number[] = [];
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      const h = await w.health();
      httpStatuses.push(h.status);
      rabbitStates.push(h.components.rabbitmq?.status ?? 'missing');
      await sleep(1_000);
    }
    const during = await w.counts();
    await w.mq.startApp();
    const up = await w.health().catch(() => undefined);
    await publisher;

    // While stopped, /broker/health said rabbitmq was down (after the first probe noticed).
    expect(rabbitStates.slice(2), 'health probes during the outage').to.not.be.empty;
    expect(rabbitStates.slice(2).filter((x) => x !== 'down'), `rabbitmq states during the outage: ${rabbitStates.join(',')}`).to.deep.equal([]);
    expect(inboxAtStop, 'stop_app happened while consuming').to.be.below(EVENTS);

    const counts = await w.checkInvariants({ accepted: EVENTS, allowAmbiguous: true });
    expect(counts.sent).to.equal(EVENTS);
    report(
      'S03',
      counts,
      started,
      `(publish retries ${publishRetries}; sent/inbox at stop: ${sentAtStop}/${inboxAtStop}; during outage sent=${during.sent} unpublished=${during.unpublished}; health http ${[...new Set(httpStatuses)].join('/')} rabbitmq ${[...new Set(rabbitStates)].join('/')}; right after start_app ${up?.components.rabbitmq?.status})`,
    );
  });
});
