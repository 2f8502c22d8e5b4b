import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { CapturedMessage } from '../support/broker.js';
import { eventually } from '../support/databases.js';
import { APP_BASE_URL, PipelineWorld } from '../support/pipeline-world.js';
import type { ReceivedMessage } from '../support/smtp-sink.js';
import { storedDeadLetters } from '../support/stored-dead-letters.js';

describe('the event pipeline (built service, RabbitMQ, SMTP sink)', function () {
  this.timeout(60_000);
  let world: PipelineWorld;
  let outcomes: CapturedMessage[];

  before(async () => {
    world = await PipelineWorld.create('e2e_pipeline');
    outcomes = await world.vhost.capture('capture.notification', 'notification.#');
    await world.startService();
  });
  after(() => world.stop());

  const mailTo = (to: string, subject?: RegExp) =>
    eventually(async () => world.smtp.messages.find((m) => m.to.includes(to) && (!subject || subject.test(m.subject))), 20_000, `an email to ${to}`);
  const outcome = (routingKey: string, predicate: (m: CapturedMessage) => boolean) =>
    eventually(async () => outcomes.find((m) => m.routingKey === routingKey && predicate(m)), 20_000, `a ${routingKey} event`);
  const history = async (userId: string) => {
    const res = await world.admin.get(`/notifications/history/${userId}`);
    return res.body.notifications as Array<Record<string, unknown> & { attempts: Array<Record<string, unknown>> }>;
  };
  const finalHistory = (userId: string, count: number) =>
    eventually(async () => {
      const items = await history(userId);
      return items.length === count && items.every((n) => ['sent', 'failed', 'suppressed'].includes(String(n.status))) ? items : undefined;
    }, 20_000, `${count} final notifications for ${userId}`);

  it('sends an email verification with its link, publishes notification.sent with the cause correlation id, and shows it in history', async () => {
    const userId = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
    await world.vhost.publish(
      'user.email_verification_requested',
      { event_id: randomUUID(), userid: userId, username: 'ada', email: 'ada@example.com', verify_token: 'tok-123' },
      { type: 'UserEmailVerificationRequested', correlationId: 'corr-verify-1' },
    );
    const mail = await mailTo('ada@example.com');
    expect(mail.subject).to.match(/verify/i);
    expect(mail.text).to.include(`${APP_BASE_URL}/verify/tok-123`);
    expect(mail.html).to.include(`${APP_BASE_URL}/verify/tok-123`);
    expect(mail.text).to.include('Acme Notifications');
    expect(mail.headers['x-correlation-id']).to.equal('corr-verify-1');

    const sent = await outcome('notification.sent', (m) => m.body.userid === userId);
    expect(sent.body).to.include({ event_type: 'notification.sent', userid: userId, notification_type: 'email_verification', channel: 'email', recipient: 'ada@example.com', source_service: 'notification', correlation_id: 'corr-verify-1' });
    expect(sent.messageId).to.equal(sent.body.event_id);
    expect(sent.correlationId).to.equal('corr-verify-1');
    expect(sent.type).to.equal('NotificationSent');
    expect(sent.headers.event_type).to.equal('NotificationSent');
    expect(sent.persistent).to.equal(true);
    expect(sent.body.timestamp).to.be.a('number');
    expect(mail.messageId).to.equal(`${String(sent.body.notification_id)}@example.com`);

    const [item] = await finalHistory(userId, 1);
    expect(item).to.include({ id: sent.body.notification_id, type: 'email_verification', status: 'sent', recipient: 'ada@example.com' });
    expect(item?.attempts).to.have.length(1);
    expect(item?.attempts[0]).to.include({ number: 1, outcome: 'accepted' });
  });

  it('creates default preferences on user.registered and sends welcome through NotificationPreferencesCreated', async () => {
    await world.vhost.publish('user.registered', { event_type: 'UserRegistered', userid: 'new-user-1', username: 'Grace', email: 'grace@example.com' });
    const mail = await mailTo('grace@example.com', /welcome/i);
    expect(mail.text).to.include('Grace');
    const created = await outcome('notification.preferences_created', (m) => m.body.userid === 'new-user-1');
    expect(created.body).to.deep.include({ notification_email: 'grace@example.com' });
    expect(Object.values(created.body.preferences as Record<string, boolean>).every(Boolean)).to.equal(true);
    const prefs = await eventually(async () => {
      const r = await world.admin.get('/notifications/preferences/new-user-1');
      return r.status === 200 ? r : undefined;
    }, 10_000, 'the preferences');
    expect(prefs.body.notification_email).to.equal('grace@example.com');
  });

  it('sends password reset, welcome and security alert events named by class, in envelopes or at top level', async () => {
    await world.vhost.publish('user.password_reset_requested', { event_type: 'PasswordResetRequested', userid: 'u-reset', email: 'reset@example.com', reset_token: 'r/1 2' });
    await world.vhost.publish('user.welcome_requested', { event_type: 'UserWelcomeRequested', data: { userid: 'u-welcome', email: 'welcome@example.com', username: 'Wes' } });
    await world.vhost.publish('user.security_alert_requested', { userid: 'u-alert', email: 'alert@example.com', alert_message: 'New login from Lisbon' }, { headers: { event_type: 'UserSecurityAlertRequested' } });
    expect((await mailTo('reset@example.com')).text).to.include(`${APP_BASE_URL}/reset/r%2F1%202`);
    expect((await mailTo('welcome@example.com')).text).to.include('Wes');
    expect((await mailTo('alert@example.com')).text).to.include('New login from Lisbon');
  });

  it('sends an order confirmation listing each item and the total, and a status update naming both statuses', async () => {
    await world.vhost.publish('order.created', {
      event_type: 'order.created',
      timestamp: '2026-11-22T10:00:00Z',
      data: {
        order_id: 1001,
        user_id: 42,
        user_email: 'buyer@example.com',
        total_amount: 59.97,
        status: 'pending',
        items: [
          { product_id: 1, product_name: 'Blue Mug', quantity: 2, price: 9.99 },
          { product_id: 2, product_name: 'Teapot & Lid', quantity: 1, price: '39.99' },
        ],
      },
    });
    const confirmation = await mailTo('buyer@example.com', /Confirmed/);
    expect(confirmation.subject).to.equal('Order #1001 Confirmed');
    for (const fragment of ['Blue Mug', 'Teapot & Lid', '9.99', '39.99', '59.97']) expect(confirmation.text).to.include(fragment);
    expect(confirmation.html).to.include('Teapot &amp; Lid');

    await world.vhost.publish('order.status.updated', { event_type: 'order.status.updated', data: { order_id: 1001, user_id: 42, user_email: 'buyer@example.com', old_status: 'pending', new_status: 'shipped', updated_by: 'warehouse' } });
    const update = await mailTo('buyer@example.com', /Status/);
    expect(update.subject).to.equal('Order #1001 Status: Shipped');
    expect(update.text).to.include('pending');
    expect(update.text).to.include('shipped');
    await finalHistory('42', 2);
  });

  it('gives one email for an event published three times', async () => {
    const event = { event_id: randomUUID(), userid: 'u-thrice', email: 'thrice@example.com', username: 'T' };
    for (let i = 0; i < 3; i++) await world.vhost.publish('user.welcome_requested', event, { type: 'UserWelcomeRequested' });
    await mailTo('thrice@example.com');
    await finalHistory('u-thrice', 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(world.smtp.messages.filter((m) => m.to.includes('thrice@example.com'))).to.have.length(1);
  });

  it('records an opted-out type as suppressed and sends nothing', async () => {
    const put = await world.admin.put('/notifications/preferences/u-optout', { notification_email: 'optout@example.com', preferences: { security_alert: false, welcome: false } });
    expect(put.status).to.equal(201);
    await world.vhost.publish('user.security_alert_requested', { userid: 'u-optout', email: 'event-address@example.com', alert_message: 'hi' }, { type: 'UserSecurityAlertRequested' });
    const items = await finalHistory('u-optout', 2);
    expect(items.map((n) => [n.type, n.status, n.reason])).to.have.deep.members([
      ['security_alert', 'suppressed', 'preference_opt_out'],
      ['welcome', 'suppressed', 'preference_opt_out'],
    ]);
    expect(world.smtp.messages.filter((m) => m.to.includes('optout@example.com') || m.to.includes('event-address@example.com'))).to.deep.equal([]);
  });

  it('dead-letters poison with its reason and still delivers the next good event', async () => {
    await world.vhost.publish('user.welcome_requested', null, { raw: Buffer.from('{not json'), messageId: 'poison-1' });
    await world.vhost.publish('user.something_else', { userid: 'x', email: 'x@example.com' }, { messageId: 'poison-2' });
    await world.vhost.publish('user.welcome_requested', { userid: 'x', email: 'not-an-email' }, { messageId: 'poison-3' });
    await world.vhost.publish('user.welcome_requested', { userid: 'u-after-poison', email: 'after@example.com' });
    await mailTo('after@example.com');
    const dead = await eventually(async () => {
      const messages = await storedDeadLetters(world.db.name);
      return messages.length >= 3 ? messages : undefined;
    }, 10_000, 'three dead-lettered messages');
    const reasons = Object.fromEntries(dead.map((m) => [m.messageId, m.headers['x-dead-letter-reason']]));
    expect(reasons).to.deep.include({ 'poison-1': 'unparseable', 'poison-2': 'unknown_event_type', 'poison-3': 'invalid_payload' });
    expect(dead.find((m) => m.messageId === 'poison-1')?.body).to.deep.equal({ raw: '{not json' });
  });

  it('dead-letters the same event id with another payload as payload_conflict, keeping the first effect', async () => {
    const eventId = randomUUID();
    await world.vhost.publish('user.welcome_requested', { event_id: eventId, userid: 'u-conflict', email: 'first@example.com' });
    await mailTo('first@example.com');
    await world.vhost.publish('user.welcome_requested', { event_id: eventId, userid: 'u-conflict', email: 'second@example.com' }, { messageId: 'conflict-2' });
    const dead = await eventually(async () => (await storedDeadLetters(world.db.name)).find((m) => m.messageId === 'conflict-2'), 10_000, 'the conflict dead-lettered');
    expect(dead.headers['x-dead-letter-reason']).to.equal('payload_conflict');
    expect(world.smtp.messages.some((m: ReceivedMessage) => m.to.includes('second@example.com'))).to.equal(false);
  });

  it('retries an SMTP 450 and delivers on the second attempt', async () => {
    world.smtp.respondWith([{ reply: 450, message: 'mailbox busy' }]);
    await world.vhost.publish('user.welcome_requested', { userid: 'u-450', email: 'busy@example.com' });
    await mailTo('busy@example.com');
    const [item] = await finalHistory('u-450', 1);
    expect(item?.status).to.equal('sent');
    expect(item?.attempts.map((a) => a.outcome)).to.deep.equal(['transient_failure', 'accepted']);
    expect(String(item?.attempts[0]?.response)).to.include('450');
    await outcome('notification.sent', (m) => m.body.userid === 'u-450');
  });

  it('fails an SMTP 550 at once with exactly one notification.failed', async () => {
    world.smtp.respondWith([{ reply: 550, message: 'no such user' }]);
    await world.vhost.publish('user.welcome_requested', { userid: 'u-550', email: 'nobody@example.com' });
    const failed = await outcome('notification.failed', (m) => m.body.userid === 'u-550');
    expect(failed.body).to.include({ notification_type: 'welcome', recipient: 'nobody@example.com', retry_count: 0 });
    expect(String(failed.body.error_message)).to.include('550');
    const [item] = await finalHistory('u-550', 1);
    expect(item?.status).to.equal('failed');
    expect(item?.attempts).to.have.length(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(outcomes.filter((m) => m.body.userid === 'u-550')).to.have.length(1);
  });

  it('leaves the service queue empty and the outbox drained', async () => {
    await eventually(async () => {
      const depth = await world.vhost.depth('notification-service.events');
      return depth.ready === 0 && depth.unacked === 0;
    }, 10_000, 'an empty service queue');
    const health = await world.admin.get('/broker/health');
    const components = health.body.components as Record<string, Record<string, unknown>>;
    expect(components.rabbitmq?.status).to.equal('up');
    expect(components.smtp?.status).to.equal('up');
    await eventually(async () => {
      const h = await world.admin.get('/broker/health');
      return (h.body.components as Record<string, { backlog?: number }>).outbox?.backlog === 0;
    }, 10_000, 'a drained outbox');
  });

  it('counts what it did in /broker/metrics and /broker/prometheus', async () => {
    const summary = (await world.admin.get('/broker/metrics')).body;
    expect(summary.dead_lettered).to.equal(4);
    expect(summary.failed).to.equal(1);
    expect(summary.retries).to.equal(1);
    // 1 verification, 6 welcomes, 1 reset, 1 alert, 2 order emails; 13 processed + 2 duplicates + 4 dead letters.
    expect(summary.sent).to.equal(11);
    expect(summary.suppressed).to.equal(2);
    expect(summary.consumed).to.equal(19);
    expect(summary.published).to.be.at.least(13);
    expect(summary.connections).to.deep.include({ rabbitmq: 'up', smtp: 'up', primary: 'up' });
    const text = (await world.admin.get('/broker/prometheus')).text;
    expect(text).to.match(/notification_dead_lettered_total\{reason="unparseable"\} 1/);
    expect(text).to.match(/notification_notifications_total\{type="security_alert",channel="email",status="suppressed"\} 1/);
    expect(text).to.match(/notification_events_consumed_total\{event_type="user.welcome_requested",outcome="duplicate"\} 2/);
    expect(text).to.include('notification_delivery_latency_seconds_bucket');
    expect(text).to.match(/notification_outbox_backlog 0/);
  });
});
