import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { PipelineWorld } from '../support/pipeline-world.js';
import { ServiceProcess } from '../support/service-process.js';

const EVENTS = 300;

describe('crashes and drift (built service)', function () {
  this.timeout(120_000);

  describe('SIGKILL while 300 events are in flight', () => {
    let world: PipelineWorld;
    before(async () => {
      world = await PipelineWorld.create('e2e_sigkill');
    });
    after(() => world.stop());

    it('loses none of them and sends each once after a restart', async () => {
      const outcomes = await world.vhost.capture('capture.sigkill', 'notification.sent');
      // A short lease, so that sends cut off by the kill are taken over soon after the restart.
      const env = { DELIVERY_LEASE_MS: '3000', DELIVERY_CONCURRENCY: '4', SMTP_MAX_CONNECTIONS: '2', RABBITMQ_PREFETCH: '50' };
      await world.startService(env);
      for (let i = 0; i < EVENTS; i++) {
        await world.vhost.publish('user.welcome_requested', { event_id: randomUUID(), userid: `crash-${i}`, email: `crash-${i}@example.com` });
      }
      await eventually(async () => world.smtp.messages.length >= 20, 30_000, 'some emails before the kill');
      world.service.signal('SIGKILL');
      expect(await world.service.exited()).to.equal(null);
      const sentBeforeKill = world.smtp.messages.length;
      await world.startService(env);

      const counts = await eventually(async () => {
        const [row] = await sqlOnPrimary<{ total: string; sent: string }>(world.db.name, "select count(*) as total, count(*) filter (where status = 'sent') as sent from notifications");
        return row && Number(row.sent) === EVENTS ? row : undefined;
      }, 90_000, `all ${EVENTS} notifications sent`);
      expect(Number(counts.total)).to.equal(EVENTS);
      const [inbox] = await sqlOnPrimary<{ n: string }>(world.db.name, 'select count(*) as n from inbox');
      expect(Number(inbox?.n)).to.equal(EVENTS);

      const perMessageId = world.smtp.byMessageId();
      expect(perMessageId.size).to.equal(EVENTS);
      const repeats = [...perMessageId.values()].filter((copies) => copies.length > 1);
      // Only a send cut off mid-transaction may repeat, at most once, with the same Message-ID.
      expect(repeats.every((copies) => copies.length === 2)).to.equal(true);
      expect(repeats.length).to.be.at.most(4);

      await eventually(async () => new Set(outcomes.map((m) => m.body.notification_id)).size === EVENTS, 30_000, 'every notification.sent');
      await eventually(async () => {
        const depth = await world.vhost.depth('notification-service.events');
        return depth.ready === 0 && depth.unacked === 0;
      }, 15_000, 'an empty service queue');
      const [outbox] = await sqlOnPrimary<{ n: string }>(world.db.name, 'select count(*) as n from outbox where published_at is null');
      expect(Number(outbox?.n)).to.equal(0);
      expect(await world.service.stop()).to.equal(0);
      expect(await world.vhost.messageCount('notification-service.events')).to.equal(0);
      console.log(`      (${sentBeforeKill} emails before the kill, ${repeats.length} ambiguous repeats)`);
    });
  });

  describe('topology drift at start', () => {
    let world: PipelineWorld;
    before(async () => {
      world = await PipelineWorld.create('e2e_drift');
    });
    after(() => world.stop());

    it('exits at once with a clear message, status 78, and acks nothing', async () => {
      const connection = await amqp.connect(world.vhost.url);
      const channel = await connection.createConfirmChannel();
      await channel.assertQueue('notification-service.events', { durable: true, arguments: { 'x-queue-type': 'classic', 'x-max-length': 10 } });
      channel.sendToQueue('notification-service.events', Buffer.from(JSON.stringify({ userid: 'u', email: 'u@example.com' })), { persistent: true });
      await channel.waitForConfirms();
      await connection.close();

      const service = ServiceProcess.spawn({ ...world.env(), PORT: '0', HOST: '127.0.0.1' });
      expect(await service.exited(20_000)).to.equal(78);
      const stderrLine = service.output.find((l) => l.startsWith('RabbitMQ topology drift'));
      expect(stderrLine).to.include('notification-service.events');
      expect(stderrLine).to.include('nothing was consumed');
      expect(await world.vhost.depth('notification-service.events')).to.deep.equal({ ready: 1, unacked: 0 });
    });
  });
});
