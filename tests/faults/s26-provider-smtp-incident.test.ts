import { expect } from 'chai';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { SERVICE_QUEUE } from './support/fault-broker.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, type SmtpHealth, faultWorld, metricValue, report, sleep, smtpHealth, sqlCount, welcomes } from './support/scenario.js';

/*
 * S26: the provider, not the message, is failing. SMTP 421 (closing) and 535 (credentials refused)
 * are provider-down answers: they use no attempt, they open the email channel's breaker, and the
 * notifications wait (deferred with a backoff capped at 5 minutes) instead of failing. The breaker
 * runs with its defaults (5 failures open it, one probe every 10 s), so the recovery time measured
 * here is the one an operator would see.
 */

const EVENTS_421 = 200;
const OUTAGE_421_MS = 90_000;
const EVENTS_535 = 50;
const OUTAGE_535_MS = 30_000;
const AUTH = { username: 'notifier', password: 'correct horse battery staple' };
const REFUSED_535 = '5.7.8 Authentication credentials invalid';

type Outcomes = Record<string, number>;

async function attemptOutcomes(db: string): Promise<Outcomes> {
  const rows = await sqlOnPrimary<{ outcome: string; n: string }>(db, 'select outcome, count(*) as n from notification_attempts group by outcome');
  return Object.fromEntries(rows.map((r) => [r.outcome, Number(r.n)]));
}

async function statuses(db: string): Promise<Record<string, number>> {
  const rows = await sqlOnPrimary<{ status: string; n: string }>(db, 'select status, count(*) as n from notifications group by status');
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** After recovery: each notification has exactly one accepted attempt, and every other attempt is provider_down. */
async function expectOneAcceptedEach(db: string, expected: number): Promise<{ providerDown: number; mostForOne: number }> {
  const [row] = await sqlOnPrimary<Record<string, string>>(
    db,
    `select (select count(*) from notifications n where (select count(*) from notification_attempts a where a.notification_id = n.id and a.outcome = 'accepted') = 1) as one_accepted,
            (select count(*) from notification_attempts where outcome not in ('accepted', 'provider_down')) as counted_failures,
            (select count(*) from notification_attempts where outcome = 'provider_down') as provider_down,
            (select coalesce(max(c), 0) from (select count(*) as c from notification_attempts where outcome = 'provider_down' group by notification_id) d) as most_for_one`,
  );
  expect(Number(row?.one_accepted), 'notifications with exactly one accepted attempt').to.equal(expected);
  expect(Number(row?.counted_failures), 'attempts that count against the retry plan').to.equal(0);
  return { providerDown: Number(row?.provider_down), mostForOne: Number(row?.most_for_one) };
}

describe('S26 a provider-side SMTP incident: 421 for 90 s, then a 535', function () {
  this.timeout(360_000);

  describe('(a) every command answered 421 for 90 s under load, then 250', function () {
    let f: FaultWorld;
    before(async () => {
      f = await faultWorld('flt_s26a');
    });
    after(() => f.world.stop());

    it('opens the breaker, uses no attempt, fails nothing, says why in /broker/health, and delivers each once after', async () => {
      const started = Date.now();
      const db = f.world.db.name;
      const sink = f.world.smtp;
      sink.setFault({ reply: { code: 421, message: '4.3.2 Service not available, closing transmission channel' } });
      // The breaker's defaults: SMTP_CIRCUIT_FAILURES 5, SMTP_CIRCUIT_HALF_OPEN_MS 10 s.
      await f.world.startService();
      const outageStarted = Date.now();
      await f.broker.publishAll(welcomes(EVENTS_421, 's26a').map((e) => e.message));

      // The breaker opens, and health says so (with the provider's answer) while the incident lasts.
      await eventually(async () => (await smtpHealth(f.world.admin)).circuit === 'open', 30_000, 'the circuit to open');
      const samples: SmtpHealth[] = [];
      let failedSeen = 0;
      while (Date.now() - outageStarted < OUTAGE_421_MS) {
        samples.push(await smtpHealth(f.world.admin));
        failedSeen = Math.max(failedSeen, await sqlCount(db, "select count(*) as n from notifications where status = 'failed'"));
        await sleep(3_000);
      }
      const during = {
        outcomes: await attemptOutcomes(db),
        statuses: await statuses(db),
        inbox: await sqlCount(db, 'select count(*) as n from inbox'),
        queued: await f.broker.messageCount(SERVICE_QUEUE),
        metrics: (await f.world.admin.get('/broker/prometheus')).text,
        connections: sink.connections,
      };

      expect(samples.length, 'health samples').to.be.at.least(10);
      for (const s of samples) {
        expect(s.status, `smtp status ${JSON.stringify(s)}`).to.be.oneOf(['down', 'degraded']);
        expect(s.circuit, `smtp circuit ${JSON.stringify(s)}`).to.be.oneOf(['open', 'half_open']);
        expect(s.overall, 'overall health').to.equal('degraded');
      }
      expect(samples.some((s) => /421/.test(s.error ?? '')), `health names the 421: ${JSON.stringify(samples.at(-1))}`).to.equal(true);
      expect(failedSeen, 'notifications failed during the incident').to.equal(0);
      // No attempt was used: every attempt recorded is provider_down, so no notification is even `retrying`.
      expect(Object.keys(during.outcomes), 'attempt outcomes during the incident').to.deep.equal(['provider_down']);
      expect(during.statuses.retrying ?? 0, 'retrying notifications').to.equal(0);
      expect(during.statuses.failed ?? 0).to.equal(0);
      expect(sink.messages, 'nothing accepted during the incident').to.have.length(0);
      // Events are still consumed and committed: the queue does not back up behind the provider.
      expect(during.inbox).to.equal(EVENTS_421);
      expect(during.queued).to.equal(0);
      expect(metricValue(during.metrics, 'notification_circuit_state', { channel: 'email' })).to.be.oneOf([1, 2]);
      expect(metricValue(during.metrics, 'notification_sends_deferred_total', { channel: 'email' })).to.be.at.least(5);
      expect(metricValue(during.metrics, 'notification_provider_configuration_faults_total', { channel: 'email' })).to.equal(0);
      // The sends in flight as it opened (16, DELIVERY_CONCURRENCY, plus the slots refilled before
      // the 5th failure), then about one probe per 10 s.
      const providerDown = during.outcomes.provider_down ?? 0;
      expect(providerDown, 'provider-down attempts during the incident').to.be.at.most(16 + 4 + Math.ceil(OUTAGE_421_MS / 10_000) + 2);

      // The provider recovers.
      sink.setFault(null);
      const recoveredAt = Date.now();
      await sink.waitFor(EVENTS_421, 120_000);
      const lastArrival = Math.max(...sink.messages.map((m) => m.receivedAt.getTime()));
      const firstArrival = Math.min(...sink.messages.map((m) => m.receivedAt.getTime()));
      await eventually(async () => {
        const h = await smtpHealth(f.world.admin);
        return h.status === 'up' && h.circuit === 'closed';
      }, 30_000, 'smtp health up and the circuit closed after recovery');

      const attempts = await expectOneAcceptedEach(db, EVENTS_421);
      const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS_421, poison: 0, allowAmbiguous: false, quiescenceMs: 60_000 });
      expect(counts).to.include({ sent: EVENTS_421, failed: 0, duplicates: 0, deadLettered: 0 });
      const seconds = (ms: number) => (ms / 1000).toFixed(1);
      report(
        'S26a',
        counts,
        started,
        `(421 for ${OUTAGE_421_MS / 1000} s: ${providerDown} provider_down attempts, ${during.connections} SMTP connections, ${metricValue(during.metrics, 'notification_sends_deferred_total', { channel: 'email' })} deferrals; ` +
          `after recovery: first email ${seconds(firstArrival - recoveredAt)} s, last ${seconds(lastArrival - recoveredAt)} s; provider_down attempts in all ${attempts.providerDown}, at most ${attempts.mostForOne} for one notification)`,
      );
    });
  });

  describe('(b) AUTH refused with 535 for 30 s, then accepted', function () {
    let f: FaultWorld;
    let sink: SmtpSink;
    before(async () => {
      f = await faultWorld('flt_s26b');
      sink = await SmtpSink.start(0, { auth: AUTH });
    });
    after(async () => {
      await f.world.stop();
      await sink.close();
    });

    it('reports the 535 as a configuration fault, fails nothing, and delivers each once after', async () => {
      const started = Date.now();
      const db = f.world.db.name;
      sink.setFault({ auth: { code: 535, message: REFUSED_535 } });
      await f.world.startService({
        SMTP_PORT: String(sink.port),
        SMTP_USERNAME: AUTH.username,
        SMTP_PASSWORD: AUTH.password,
        // The sink offers no STARTTLS: credentials in clear text on loopback, allowed explicitly.
        SMTP_ALLOW_INSECURE_AUTH: 'true',
      });
      const outageStarted = Date.now();
      await f.broker.publishAll(welcomes(EVENTS_535, 's26b').map((e) => e.message));

      const open = await eventually(async () => {
        const h = await smtpHealth(f.world.admin);
        return h.circuit === 'open' && h.reason ? h : undefined;
      }, 30_000, 'the circuit to open with a reason');
      expect(open.status).to.equal('down');
      expect(open.reason, 'the reason names the 535 and its text').to.match(/535/).and.to.include(REFUSED_535);
      expect(open.overall).to.equal('degraded');

      const samples: SmtpHealth[] = [];
      while (Date.now() - outageStarted < OUTAGE_535_MS) {
        samples.push(await smtpHealth(f.world.admin));
        await sleep(2_000);
      }
      for (const s of samples) {
        expect(s.status, JSON.stringify(s)).to.be.oneOf(['down', 'degraded']);
        expect(s.reason, JSON.stringify(s)).to.include(REFUSED_535);
      }
      const metrics = (await f.world.admin.get('/broker/prometheus')).text;
      const faults = metricValue(metrics, 'notification_provider_configuration_faults_total', { channel: 'email' });
      expect(faults, 'configuration faults counted').to.be.at.least(1);
      expect(Object.keys(await attemptOutcomes(db))).to.deep.equal(['provider_down']);
      expect((await statuses(db)).failed ?? 0).to.equal(0);
      expect(sink.messages).to.have.length(0);

      sink.setFault(null);
      const recoveredAt = Date.now();
      await sink.waitFor(EVENTS_535, 60_000);
      const lastArrival = Math.max(...sink.messages.map((m) => m.receivedAt.getTime()));
      const recovered = await eventually(async () => {
        const h = await smtpHealth(f.world.admin);
        return h.status === 'up' && h.circuit === 'closed' ? h : undefined;
      }, 30_000, 'smtp health up after the credentials are accepted');
      expect(recovered.reason, 'no reason once the credentials are accepted').to.equal(undefined);

      await expectOneAcceptedEach(db, EVENTS_535);
      const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS_535, poison: 0, allowAmbiguous: false, sink });
      expect(counts).to.include({ sent: EVENTS_535, failed: 0, duplicates: 0, deadLettered: 0 });
      report('S26b', counts, started, `(535 for ${OUTAGE_535_MS / 1000} s: configuration faults counted ${faults}; last email ${((lastArrival - recoveredAt) / 1000).toFixed(1)} s after recovery)`);
    });
  });
});
