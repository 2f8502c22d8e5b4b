import { expect } from 'chai';
import amqp from 'amqplib';
import { ServiceProcess } from '../support/service-process.js';
import { type FaultWorld, faultWorld } from './support/scenario.js';

describe('S24 topology drift at start (queue declared with other arguments)', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s24', { capture: false });
  });
  after(() => f.world.stop());

  it('exits at once with a clear message, status 78, and acks nothing', async () => {
    const connection = await amqp.connect(f.world.vhost.url);
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue('notification-service.events', { durable: true, arguments: { 'x-queue-type': 'classic', 'x-max-length': 10 } });
    for (let i = 0; i < 3; i++) channel.sendToQueue('notification-service.events', Buffer.from(JSON.stringify({ userid: `u${i}`, email: `u${i}@example.com` })), { persistent: true });
    await channel.waitForConfirms();
    await connection.close();

    const started = Date.now();
    const service = ServiceProcess.spawn({ ...f.world.env(), PORT: '0', HOST: '127.0.0.1' });
    expect(await service.exited(20_000)).to.equal(78);
    const elapsed = Date.now() - started;
    const stderrLine = service.output.find((l) => l.startsWith('RabbitMQ topology drift'));
    expect(stderrLine).to.include('notification-service.events');
    expect(stderrLine).to.include('nothing was consumed');
    expect(await f.broker.messageCount('notification-service.events')).to.equal(3);
    expect(f.world.smtp.allAttempts).to.deep.equal([]);
    console.log(`      [S24] exit 78 after ${elapsed} ms, 3 messages left untouched`);
  });
});
