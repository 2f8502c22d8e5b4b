import { expect } from 'chai';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { PipelineWorld } from '../support/pipeline-world.js';
import { ProviderFakes, SMS_FROM, STATUS_CALLBACK_URL } from '../support/provider-fakes.js';

const PHONE = '+15551230001';
const content = (body: string) => ({ subject: 'Order shipped', body });

describe('SMS, push, webhooks and in-app (built service, provider fakes)', function () {
  this.timeout(120_000);
  let world: PipelineWorld;
  let fakes: ProviderFakes;

  before(async () => {
    [world, fakes] = await Promise.all([PipelineWorld.create('e2e_channels'), ProviderFakes.start()]);
    await world.startService(fakes.env());
  });
  after(async () => {
    await world.stop();
    await fakes.close();
  });

  const send = async (body: Record<string, unknown>) => {
    const res = await world.admin.post('/notifications/send', body);
    expect(res.status, res.text).to.equal(202);
    return String(res.body.notification_id);
  };
  const row = async (id: string) => (await sqlOnPrimary<{ status: string; reason: string | null; provider_message_id: string | null }>(world.db.name, `select status, reason, provider_message_id from notifications where id = '${id}'`))[0];
  const settled = (id: string, status = 'sent') => eventually(async () => ((await row(id))?.status === status ? row(id) : undefined), 20_000, `notification ${id} ${status}`);

  it('delivers each channel through its provider and publishes notification.sent with the channel and provider id', async () => {
    const outcomes = await world.vhost.capture('capture.channels', 'notification.sent');
    const hook = fakes.receiver.url();
    const ids = {
      sms: await send({ channel: 'sms', recipient: PHONE, content: content('Your order shipped') }),
      push: await send({ channel: 'push', recipient: 'device-token-1', content: content('Tap to track it') }),
      webhook: await send({ channel: 'webhook', recipient: hook, content: content('Shipped') }),
      in_app: await send({ channel: 'in_app', recipient: 'u-feed', content: content('In your feed') }),
    };
    const [sms] = await fakes.twilio.waitFor(1, 20_000);
    expect(sms).to.deep.include({ to: PHONE, from: SMS_FROM, body: 'Your order shipped', statusCallback: STATUS_CALLBACK_URL, numSegments: 1 });
    const push = await eventually(async () => fakes.fcm.accepted[0], 20_000, 'the push');
    expect(push).to.deep.include({ token: 'device-token-1', notification: { title: 'Order shipped', body: 'Tap to track it' } });
    const webhook = await eventually(async () => fakes.receiver.accepted[0], 20_000, 'the webhook');
    expect([webhook.verified, webhook.id]).to.deep.equal([true, ids.webhook]);
    expect(webhook.body).to.deep.include({ notification_id: ids.webhook, type: 'message', subject: 'Order shipped', body: 'Shipped' });

    await eventually(async () => outcomes.length >= 4 || undefined, 20_000, 'four notification.sent');
    const byChannel = Object.fromEntries(outcomes.map((m) => [m.body.channel, m.body]));
    expect(byChannel.sms).to.deep.include({ notification_id: ids.sms, provider_message_id: sms?.sid });
    expect(byChannel.push).to.deep.include({ notification_id: ids.push, provider_message_id: push.name });
    expect(byChannel.webhook).to.deep.include({ notification_id: ids.webhook, provider_message_id: null });
    expect(byChannel.in_app).to.deep.include({ notification_id: ids.in_app, provider_message_id: ids.in_app });
    const health = (await world.admin.get('/broker/health')).body.components as Record<string, Record<string, unknown>>;
    for (const name of ['smtp', 'sms', 'push', 'webhook', 'in_app']) expect([name, health[name]?.status, health[name]?.circuit]).to.deep.equal([name, 'up', 'closed']);
    const [item] = await sqlOnPrimary<{ user_id: string; title: string; body: string }>(world.db.name, `select user_id, title, body from feed_items where notification_id = '${ids.in_app}'`);
    expect(item).to.deep.equal({ user_id: 'u-feed', title: 'Order shipped', body: 'In your feed' });
  });

  it("records Twilio's signed status callback as a delivery receipt in the history, and refuses a forged one", async () => {
    const id = await send({ channel: 'sms', userid: 'u-receipt', recipient: '+15551230002', content: content('Receipt please') });
    const { provider_message_id: sid } = (await settled(id))!;
    const url = `${world.admin.baseUrl}/providers/sms/status`;
    const forged = await fakes.twilio.statusCallback(url, { messageSid: sid!, status: 'delivered', signedUrl: STATUS_CALLBACK_URL, signature: 'bm90IGEgc2lnbmF0dXJl' });
    expect(forged.status).to.equal(403);
    const unsignedJunk = await fakes.twilio.statusCallback(url, { messageSid: 'not-a-sid', status: 'delivered', signature: 'bm90IGEgc2lnbmF0dXJl' });
    expect(unsignedJunk.status, 'the signature is checked before any field').to.equal(403);
    const signed = await fakes.twilio.statusCallback(url, { messageSid: sid!, status: 'undelivered', errorCode: 30003, signedUrl: STATUS_CALLBACK_URL });
    expect(signed.status).to.equal(204);
    const history = await eventually(async () => {
      const res = await world.admin.get('/notifications/history/u-receipt');
      const [n] = res.body.notifications as Array<Record<string, unknown>>;
      return n?.receipt ? n : undefined;
    }, 10_000, 'the receipt in the history');
    expect(history).to.deep.include({ status: 'sent', provider_message_id: sid });
    expect(history.receipt).to.deep.include({ status: 'undelivered', error_code: '30003' });
  });

  it('fails an SMS the recipient stopped (21610), suppresses the number, and records the next send to it suppressed', async () => {
    const stopped = '+15551230003';
    fakes.twilio.respondWith([{ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' }]);
    const first = await settled(await send({ channel: 'sms', recipient: stopped, content: content('One') }), 'failed');
    expect(first?.reason).to.equal('permanent_failure');
    const listed = await eventually(async () => {
      const res = await world.admin.get(`/suppressions?channel=sms&address=${encodeURIComponent(stopped)}`);
      return (res.body.suppressions as unknown[] | undefined)?.[0] as Record<string, unknown> | undefined;
    }, 10_000, 'the suppression');
    expect(listed).to.include({ channel: 'sms', address: stopped, reason: 'opted_out', source: 'sms_stop' });
    const second = await row(await send({ channel: 'sms', recipient: stopped, content: content('Two') }));
    expect(second).to.deep.include({ status: 'suppressed', reason: 'recipient_suppressed' });
  });

  it("pushes to every device token of a user's profile and removes the one FCM no longer knows", async () => {
    await world.admin.post('/notifications/preferences', { userid: 'u-devices', notification_email: 'dev@example.com', push_tokens: ['phone-token', 'old-tablet-token'] });
    fakes.fcm.markUnregistered('old-tablet-token');
    const id = await send({ channel: 'push', userid: 'u-devices', content: content('To both') });
    await settled(id);
    expect(fakes.fcm.accepted.filter((p) => p.token === 'phone-token')).to.have.length(1);
    const [profile] = await eventually(async () => {
      const rows = await sqlOnPrimary<{ push_tokens: string[] }>(world.db.name, "select push_tokens from notification_preferences where user_id = 'u-devices'");
      return rows[0]?.push_tokens.length === 1 ? rows : undefined;
    }, 10_000, 'the dead token removed');
    expect(profile?.push_tokens).to.deep.equal(['phone-token']);
  });

  it('keeps email at its pace while the SMS provider is down, and SMS while the SMTP server is, then delivers the rest', async () => {
    const emails = (n: number, tag: string) => Array.from({ length: n }, (_, i) => send({ channel: 'email', recipient: `${tag}-${i}@example.com`, content: content(`Email ${i}`) }));
    const texts = (n: number, from: number) => Array.from({ length: n }, (_, i) => send({ channel: 'sms', recipient: `+1555124${String(from + i).padStart(4, '0')}`, content: content(`Text ${i}`) }));

    fakes.twilio.setFault({ status: 503, code: 20503 });
    const smsHeld = await Promise.all(texts(10, 0));
    const started = Date.now();
    const mailed = world.smtp.messages.length;
    await Promise.all(emails(10, 'sms-down'));
    await world.smtp.waitFor(mailed + 10, 10_000);
    const emailSeconds = (Date.now() - started) / 1000;
    expect(emailSeconds, 'ten emails while SMS is down').to.be.below(10);
    for (const id of smsHeld) expect((await row(id))?.status).to.be.oneOf(['pending', 'retrying']);

    world.smtp.setFault({ reply: { code: 421, message: 'Service not available' } });
    fakes.twilio.setFault(null);
    const texted = fakes.twilio.accepted.length;
    const fresh = await Promise.all(texts(10, 100));
    await fakes.twilio.waitFor(texted + 20, 60_000);
    const emailHeld = await Promise.all(emails(5, 'smtp-down'));
    for (const id of [...smsHeld, ...fresh]) expect((await settled(id))?.status).to.equal('sent');
    world.smtp.setFault(null);
    for (const id of emailHeld) expect((await settled(id, 'sent'))?.status).to.equal('sent');
  });
});
