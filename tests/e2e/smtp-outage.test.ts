import { expect } from 'chai';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { freePort } from '../support/free-port.js';
import { PipelineWorld } from '../support/pipeline-world.js';
import { SmtpSink } from '../support/smtp-sink.js';

const EVENTS = 40;

describe('an SMTP outage under load (built service)', function () {
  this.timeout(90_000);
  let world: PipelineWorld;
  let lateSink: SmtpSink | null = null;

  before(async () => {
    world = await PipelineWorld.create('e2e_smtp_outage');
  });
  after(async () => {
    await lateSink?.close();
    await world.stop();
  });

  it('opens the circuit, probes sparingly, and delivers everything once SMTP is back', async () => {
    const port = await freePort();
    await world.startService({
      SMTP_PORT: String(port),
      SMTP_CONNECTION_TIMEOUT_MS: '500',
      SMTP_CIRCUIT_FAILURES: '3',
      SMTP_CIRCUIT_HALF_OPEN_MS: '1000',
      DELIVERY_CONCURRENCY: '2',
    });
    for (let i = 0; i < EVENTS; i++) await world.vhost.publish('user.welcome_requested', { userid: `out-${i}`, email: `out-${i}@example.com` });

    await eventually(async () => {
      const h = await world.admin.get('/broker/health');
      return (h.body.components as Record<string, { circuit?: string }>).smtp?.circuit === 'open';
    }, 20_000, 'the SMTP circuit to open');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const [during] = await sqlOnPrimary<{ attempts: string; pending: string }>(
      world.db.name,
      "select (select count(*) from notification_attempts) as attempts, (select count(*) from notifications where status in ('pending', 'retrying')) as pending",
    );
    // 3 failures open it, then about one probe a second: nowhere near one attempt per notification.
    expect(Number(during?.attempts)).to.be.at.most(12);
    expect(Number(during?.pending)).to.be.at.least(EVENTS - 12);
    const metrics = (await world.admin.get('/broker/prometheus')).text;
    // Open, or half-open while a probe is in flight: never closed during the outage.
    expect(metrics).to.match(/^notification_circuit_state\{channel="email"\} [12]$/m);

    lateSink = await SmtpSink.start(port);
    await eventually(async () => lateSink!.messages.length >= EVENTS, 60_000, 'every email once SMTP is back');
    const [after] = await sqlOnPrimary<{ sent: string; failed: string }>(
      world.db.name,
      "select count(*) filter (where status = 'sent') as sent, count(*) filter (where status = 'failed') as failed from notifications",
    );
    expect(Number(after?.sent)).to.equal(EVENTS);
    expect(Number(after?.failed)).to.equal(0);
    expect(lateSink.byMessageId().size).to.equal(EVENTS);
    const health = await eventually(async () => {
      const h = await world.admin.get('/broker/health');
      const smtp = (h.body.components as Record<string, { circuit?: string }>).smtp;
      return smtp?.circuit === 'closed' ? smtp : undefined;
    }, 20_000, 'the circuit to close');
    expect(health.circuit).to.equal('closed');
  });
});
