import { expect } from 'chai';
import { sqlOnPrimary } from '../support/databases.js';
import { ServiceProcess } from '../support/service-process.js';
import { HttpClient } from '../support/http-client.js';
import { E2E_ADMIN_KEY } from '../support/e2e-service.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, metricValue, report, sleep, waitForCount, welcomes } from './support/scenario.js';

/*
 * S28: two instances share the queue and the notifications table; one is SIGKILLed while about 300
 * notifications are claimed and in flight. The lease is the default one (30 s, renewed every 10 s
 * while a send runs), so the dead instance's claims expire at most 30 s after its last renewal and
 * the survivor takes them over; the scenario holds the last of them to 45 s after the kill. The
 * sink answers each message after a delay, so many sends are really in flight (on a connection or
 * queued in the SMTP pool) at the kill.
 */

const EVENTS = 400;
const IN_FLIGHT_AT_KILL = 280;
const SINK_DELAY_MS = 250;
const TAKEOVER_BOUND_MS = 45_000;
const ENV = { DELIVERY_CONCURRENCY: '150', SMTP_MAX_CONNECTIONS: '10' };

describe('S28 SIGKILL with 300 in flight, default lease', function () {
  this.timeout(240_000);
  let f: FaultWorld;
  let second: ServiceProcess | undefined;
  before(async () => {
    f = await faultWorld('flt_s28');
  });
  after(async () => {
    await second?.stop();
    await f.world.stop();
  });

  it('takes the dead instance’s claims over within 45 s of the kill; duplicates only for its sends at the sink when it died', async () => {
    const started = Date.now();
    const db = f.world.db.name;
    const sink = f.world.smtp;
    sink.respondWith(Array.from({ length: 2 * EVENTS }, () => ({ acceptAfterMs: SINK_DELAY_MS })));
    await f.world.startService(ENV);
    const started2 = await ServiceProcess.start(f.world.env(ENV));
    second = started2.service;
    const secondAdmin = new HttpClient(started2.baseUrl, E2E_ADMIN_KEY);
    await f.broker.publishAll(welcomes(EVENTS, 's28').map((e) => e.message));

    // Each instance holds at most DELIVERY_CONCURRENCY (150) claims: 280 sending means both hold many.
    const inFlight = await waitForCount(db, "select count(*) as n from notifications where status = 'sending'", IN_FLIGHT_AT_KILL, 60_000, `${IN_FLIGHT_AT_KILL} sends in flight`);
    const secondAttempts = metricValue((await secondAdmin.get('/broker/prometheus')).text, 'notification_send_attempts_total', { channel: 'email', outcome: 'accepted' });
    const sentBefore = sink.messages.length;
    const killedAt = Date.now();
    second.signal('SIGKILL');
    expect(await second.exited()).to.equal(null);
    const sendingAtKill = await sqlOnPrimary<{ id: string }>(db, "select id from notifications where status = 'sending'");

    // Let the survivor finish; read its resend counter before the invariants stop it.
    await waitForCount(db, "select count(*) as n from notifications where status in ('sent', 'failed')", EVENTS, TAKEOVER_BOUND_MS + 15_000, 'every notification final');
    await sleep(500);
    const resends = metricValue((await f.world.admin.get('/broker/prometheus')).text, 'notification_ambiguous_resends_total', { channel: 'email' });

    // The survivor names each claim it took over after an expired lease (lease_expiries itself resets
    // once the takeover's answer is recorded).
    const takenOverIds = new Set(
      f.world.service
        .logLines()
        .filter((l) => l.msg === 'resending after an expired lease')
        .map((l) => String(l.notification_id)),
    );
    const takenOver = await sqlOnPrimary<{ id: string; first_attempt: Date }>(
      db,
      `select n.id, (select min(a.attempted_at) from notification_attempts a where a.notification_id = n.id) as first_attempt
         from notifications n where n.id = any('{${[...takenOverIds].join(',')}}'::uuid[])`,
    );
    const atKill = new Set(sendingAtKill.map((r) => r.id));
    const context = `in flight at kill ${inFlight}, sending just after it ${sendingAtKill.length}, sent before it ${sentBefore}, the second instance's accepted sends ${secondAttempts}`;
    expect(takenOver.length, `claims taken over (${context})`).to.be.greaterThan(0);
    expect(takenOver.length, 'no more than the dead instance could hold').to.be.at.most(150);
    expect([...takenOverIds].filter((id) => !atKill.has(id)), 'taken over but not in flight at the kill').to.deep.equal([]);
    expect(resends, 'notification_ambiguous_resends_total counts each takeover').to.equal(takenOver.length);

    // When the last of them arrived at the sink (its last copy, for one the dead instance had handed over).
    const arrivals = new Map<string, number>();
    for (const m of sink.messages) {
      const id = m.messageId.split('@')[0] ?? '';
      arrivals.set(id, Math.max(arrivals.get(id) ?? 0, m.receivedAt.getTime()));
    }
    const lastTakenOver = Math.max(...[...takenOverIds].map((id) => arrivals.get(id) ?? Number.POSITIVE_INFINITY));
    const firstTakeover = Math.min(...takenOver.map((r) => new Date(r.first_attempt).getTime()));
    const takeoverMs = lastTakenOver - killedAt;
    expect(takeoverMs, 'last taken-over notification delivered after the kill (ms)').to.be.at.most(TAKEOVER_BOUND_MS);

    const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: true, alsoStop: [second] });
    // Duplicates: the dead instance's sends that were at the sink when it died (accepted and not yet
    // recorded, or handed over and waiting for the reply). Its copy arrived before the kill, or within
    // the sink's delay after it; the survivor's copy later, with the same Message-ID.
    const copies = [...sink.byMessageId()].filter(([, list]) => list.length > 1);
    const repeated = copies.map(([messageId]) => messageId.split('@')[0] ?? messageId);
    const firstCopyAfterKill = copies.map(([, list]) => Math.min(...list.map((m) => m.receivedAt.getTime())) - killedAt);
    report(
      'S28',
      counts,
      started,
      `(in flight at kill: ${inFlight} claimed, ${sendingAtKill.length} still sending after it, ${sentBefore} sent, second instance had sent ${secondAttempts}; ` +
        `taken over: ${takenOver.length}, first resend ${((firstTakeover - killedAt) / 1000).toFixed(1)} s and last delivered ${(takeoverMs / 1000).toFixed(1)} s after the kill; ` +
        `duplicates' first copies at kill ${firstCopyAfterKill.length ? `${Math.min(...firstCopyAfterKill)}..${Math.max(...firstCopyAfterKill)}` : '-'} ms; resends counted ${resends})`,
    );
    expect(counts).to.include({ sent: EVENTS, failed: 0, deadLettered: 0 });
    expect(repeated.filter((id) => !takenOverIds.has(id)), 'duplicates of notifications that were not taken over').to.deep.equal([]);
    // No copy of the dead instance came later than the sink's answer to what it had handed over.
    for (const ms of firstCopyAfterKill) expect(ms, 'a duplicate whose first copy was not at the sink by the kill').to.be.at.most(SINK_DELAY_MS + 1_000);
    expect(repeated.length).to.be.at.most(resends);
  });
});
