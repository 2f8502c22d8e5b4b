import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp, { type ConfirmChannel, type GetMessage } from 'amqplib';
import { expect } from 'chai';
import { createLogger } from '../../../src/adapters/observability/logger.js';
import { AmqpConsumer, type Delivery, type Disposition } from '../../../src/adapters/rabbitmq/amqp-consumer.js';
import { AmqpSession } from '../../../src/adapters/rabbitmq/amqp-session.js';
import { declareTopology } from '../../../src/adapters/rabbitmq/topology.js';
import { DEFAULT_TOPOLOGY as TOPOLOGY, brokerUrl, brokerUser } from '../../support/broker.js';
import { eventually, uniqueName } from '../../support/databases.js';

const run = promisify(execFile);
const ctl = (...args: string[]) => run('rabbitmqctl', ['-q', ...args]);
const DELIVERY_LIMIT = 3;

/** A vhost set up as on a user's own RabbitMQ: no scripts/rabbitmq-policies.sh, so no delivery limit and no dead-lettering by the broker. */
async function bareVhost(prefix: string): Promise<{ name: string; url: string }> {
  const name = uniqueName(prefix);
  await ctl('add_vhost', name);
  await ctl('set_permissions', '-p', name, brokerUser(), '.*', '.*', '.*');
  return { name, url: `${brokerUrl()}/${encodeURIComponent(name)}` };
}

async function withChannel<T>(url: string, work: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(url);
  try {
    return await work(await connection.createConfirmChannel());
  } finally {
    await connection.close().catch(() => undefined);
  }
}

async function publish(url: string, messageId: string): Promise<void> {
  await withChannel(url, async (channel) => {
    channel.publish(TOPOLOGY.exchange, 'user.created', Buffer.from('{}'), { persistent: true, messageId });
    await channel.waitForConfirms();
  });
}

/** What waits in the dead-letter queue (read, then put back when the channel closes). */
async function deadLettered(url: string): Promise<GetMessage[]> {
  return withChannel(url, async (channel) => {
    const out: GetMessage[] = [];
    for (let m = await channel.get(TOPOLOGY.deadLetterQueue); m; m = await channel.get(TOPOLOGY.deadLetterQueue)) out.push(m);
    return out;
  });
}

const readyInQueue = (url: string) => withChannel(url, async (channel) => (await channel.checkQueue(TOPOLOGY.queue)).messageCount);

describe('AmqpConsumer: every delivery ends settled', function () {
  this.timeout(30_000);
  const logger = createLogger(process.env.IT_LOG ?? 'silent');
  let vhost: { name: string; url: string };
  let session: AmqpSession | null = null;
  let consumer: AmqpConsumer | null = null;
  let calls: Delivery[] = [];

  async function consume(handle: () => Disposition, deliveryLimit = DELIVERY_LIMIT): Promise<AmqpConsumer> {
    calls = [];
    const handler = async (delivery: Delivery) => (calls.push(delivery), handle());
    const options = { deliveryLimit, settleRetry: { initialMs: 200, maxMs: 400 } };
    consumer = new AmqpConsumer(TOPOLOGY.queue, TOPOLOGY.deadLetterExchange, 5, handler, logger, options);
    const settings = { url: vhost.url, heartbeatSeconds: 5, connectionName: 'it-settlement', reconnectInitialMs: 50, reconnectMaxMs: 500 };
    session = new AmqpSession(settings, [(connection) => declareTopology(connection, TOPOLOGY), consumer.setup], logger, () => undefined);
    await session.start();
    return consumer;
  }

  beforeEach(async () => {
    vhost = await bareVhost('it_settle');
  });
  afterEach(async () => {
    await consumer?.stop();
    await session?.close();
    await ctl('delete_vhost', vhost.name).catch(() => undefined);
  });

  it('hands a delivery back when the broker refuses its dead letter, and dead-letters it once the broker takes it', async () => {
    // A full dead-letter queue that rejects publishes: the dead letter is nacked, not confirmed.
    // (A quorum queue at max-length 0 still takes one message, so a filler goes in first.)
    await ctl('set_policy', '-p', vhost.name, '--apply-to', 'queues', 'dlq-full', '^notification-service\\.events\\.dlq$', '{"max-length":0,"overflow":"reject-publish"}');
    await consume(() => ({ kind: 'dead_letter', reason: 'invalid_payload', detail: 'userid: is required' }), 1_000);
    await withChannel(vhost.url, async (channel) => {
      channel.sendToQueue(TOPOLOGY.deadLetterQueue, Buffer.from('filler'), { messageId: 'filler' });
      await channel.waitForConfirms();
    });
    await publish(vhost.url, 'refused-1');
    await eventually(async () => calls.length >= 3, 10_000, 'the delivery handed back and delivered again');
    expect(calls.slice(1).every((c) => c.redelivered)).to.equal(true);
    expect((await deadLettered(vhost.url)).map((m) => m.properties.messageId)).to.deep.equal(['filler']);

    await withChannel(vhost.url, (channel) => channel.purgeQueue(TOPOLOGY.deadLetterQueue)); // room for one
    const letter = await eventually(async () => (await deadLettered(vhost.url)).find((m) => m.properties.messageId === 'refused-1'), 10_000, 'the dead letter taken once the queue has room');
    expect(letter.properties.headers).to.deep.include({ 'x-dead-letter-reason': 'invalid_payload' });
    await consumer!.stop();
    await session!.close();
    expect(await readyInQueue(vhost.url)).to.equal(0);
  });

  it('dead-letters a message past the delivery limit where no policy enforces one, with its count, and says the broker did not', async () => {
    const c = await consume(() => ({ kind: 'requeue' }));
    await publish(vhost.url, 'always-fails-1');
    const [letter] = await eventually(async () => {
      const letters = await deadLettered(vhost.url);
      return letters.length > 0 ? letters : undefined;
    }, 10_000, 'the message dead-lettered by the consumer');
    expect(letter!.properties.messageId).to.equal('always-fails-1');
    expect(letter!.properties.headers).to.deep.include({ 'x-dead-letter-reason': 'delivery_limit', 'x-dead-letter-delivery-count': DELIVERY_LIMIT + 1 });
    expect(calls.map((d) => d.headers['x-delivery-count'] ?? 0)).to.deep.equal([0, 1, 2, 3]);
    expect(c.deliveryLimitEvidence).to.deep.include({ limit: DELIVERY_LIMIT });
    expect(c.deliveryLimitEvidence.pastLimit?.count).to.equal(DELIVERY_LIMIT + 1);
    await c.stop();
    await session!.close();
    expect(await readyInQueue(vhost.url)).to.equal(0);
  });
});
