import { expect } from 'chai';
import type { CapturedMessage } from '../support/broker.js';
import { eventually } from '../support/databases.js';
import { freePort } from '../support/free-port.js';
import { PipelineWorld } from '../support/pipeline-world.js';
import { SmtpSink } from '../support/smtp-sink.js';

type HistoryItem = { id: string; status: string; reason: string | null; expires_at: string | null };

const ONE_TIME_CODE = {
  key: 'login.code',
  description: 'A login code: useless after two seconds',
  ttl: 2,
  variables: [{ name: 'code', type: 'string' }],
  variants: [{ channel: 'email', locale: 'en', subject: 'Your code', text: 'Code: <%= it.code %>' }],
};

describe('expiry behind an SMTP outage (built service)', function () {
  this.timeout(90_000);
  let world: PipelineWorld;
  let smtpPort: number;
  let outcomes: CapturedMessage[];
  let lateSink: SmtpSink | null = null;

  before(async () => {
    world = await PipelineWorld.create('e2e_expiry_outage');
    outcomes = await world.vhost.capture('capture.expiry', 'notification.#');
    smtpPort = await freePort();
    await world.startService({ SMTP_PORT: String(smtpPort), SMTP_CONNECTION_TIMEOUT_MS: '500', SMTP_CIRCUIT_FAILURES: '3', SMTP_CIRCUIT_HALF_OPEN_MS: '1000' });
  });
  afterEach(async () => {
    await lateSink?.close();
    lateSink = null;
  });
  after(() => world.stop());

  const send = async (body: Record<string, unknown>): Promise<string> => {
    const res = await world.admin.post('/notifications/send', body);
    expect(res.status, res.text).to.equal(202);
    return String(res.body.notification_id);
  };

  /** The notification once final, after `expiresAt`; then SMTP comes back and delivers a later send. */
  async function finalAfterExpiry(userId: string, expiresAt: number): Promise<HistoryItem> {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 500));
    lateSink = await SmtpSink.start(smtpPort);
    const control = `control-${userId}@example.com`;
    await send({ notification_type: 'security_alert', recipient_email: control, subject: 'After the outage', content: 'still delivered' });
    await eventually(async () => lateSink!.messages.some((m) => m.to.includes(control)), 30_000, 'a send made after SMTP came back');
    return eventually(async () => {
      const [item] = (await world.admin.get(`/notifications/history/${userId}`)).body.notifications as HistoryItem[];
      return item && item.status !== 'pending' && item.status !== 'retrying' && item.status !== 'sending' ? item : undefined;
    }, 10_000, `the notification of ${userId} to be final`);
  }

  async function expectExpiredAndNeverSent(id: string, userId: string, expiresAt: number): Promise<void> {
    const item = await finalAfterExpiry(userId, expiresAt);
    expect([item.id, item.status, item.reason]).to.deep.equal([id, 'failed', 'expired']);
    expect(lateSink!.messages.some((m) => m.to.includes(`${userId}@example.com`))).to.equal(false);
    const failed = await eventually(async () => outcomes.find((m) => m.routingKey === 'notification.failed' && m.body.notification_id === id), 10_000, 'notification.failed');
    expect(failed.body).to.include({ reason: 'expired', userid: userId });
    expect(outcomes.filter((m) => m.body.notification_id === id).map((m) => m.routingKey)).to.deep.equal(['notification.failed']);
  }

  it('fails a send whose expires_at passes during the outage as expired, and never sends it once SMTP is back', async () => {
    const expiresAt = Date.now() + 4_000;
    const id = await send({
      notification_type: 'security_alert',
      recipient_email: 'u-expires@example.com',
      userid: 'u-expires',
      subject: 'Sign-in from a new device',
      content: 'Was it you?',
      expires_at: new Date(expiresAt).toISOString(),
    });
    await expectExpiredAndNeverSent(id, 'u-expires', expiresAt);
  });

  it("fails a send of a type with a 2 s ttl as expired when the outage outlasts it, and never sends it once SMTP is back", async () => {
    const created = await world.admin.post('/templates', ONE_TIME_CODE);
    expect(created.status, created.text).to.equal(201);
    const sentAt = Date.now();
    const id = await send({ notification_type: 'login.code', recipient_email: 'u-ttl@example.com', userid: 'u-ttl', template_vars: { code: '123456' } });
    // The history is read from the standby: the new row may take a moment to show there.
    const item = await eventually(async () => ((await world.admin.get('/notifications/history/u-ttl')).body.notifications as HistoryItem[])[0], 5_000, 'the history row');
    expect(Date.parse(String(item?.expires_at)) - sentAt).to.be.within(1_000, 3_000);
    await expectExpiredAndNeverSent(id, 'u-ttl', sentAt + 2_000);
  });
});
