import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp, { type ConfirmChannel, type ConsumeMessage, type GetMessage } from 'amqplib';
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

async function publish(url: string, messageId: string, headers: Record<string, unknown> = {}): Promise<void> {
  await withChannel(url, async (channel) => {
    channel.publish(TOPOLOGY.exchange, 'user.created', Buffer.from('{}'), { persistent: true, messageId, headers });
    await channel.waitForConfirms();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What waits in the dead-letter queue (read, then put back when the channel closes). */
async function deadLettered(url: string): Promise<GetMessage[]> {
  return withChannel(url, async (channel) => {
    const out: GetMessage[] = [];
    for (let m = await channel.get(TOPOLOGY.deadLetterQueue); m; m = await channel.get(TOPOLOGY.deadLetterQueue)) out.push(m);
    return out;
  });
}

const readyIn = (url: string, queue: string) => withChannel(url, async (channel) => (await channel.checkQueue(queue)).messageCount);
const readyInQueue = (url: string) => readyIn(url, TOPOLOGY.queue);

/**
 * The dead letters once there are some, with their headers as published: a first consumer delivery
 * passes them through, while basic.get on a quorum queue sets an x-delivery-count of its own.
 */
async function deadLettersAsPublished(url: string): Promise<ConsumeMessage[]> {
  await eventually(async () => (await readyIn(url, TOPOLOGY.deadLetterQueue)) > 0 || undefined, 10_000, 'a dead letter');
  return withChannel(url, async (channel) => {
    const out: ConsumeMessage[] = [];
    await channel.consume(TOPOLOGY.deadLetterQueue, (m) => void (m && out.push(m)));
    await sleep(300);
    return out;
  });
}

describe('AmqpConsumer: every delivery ends settled', function () {
  this.timeout(30_000);
  const logger = createLogger(process.env.IT_LOG ?? 'silent');
  let vhost: { name: string; url: string };
  let session: AmqpSession | null = null;
  let consumer: AmqpConsumer | null = null;
  let calls: Delivery[] = [];
  let counted: string[] = [];

  async function consume(handle: (mayWait: () => boolean) => Disposition | Promise<Disposition>, deliveryLimit = DELIVERY_LIMIT): Promise<AmqpConsumer> {
    calls = [];
    counted = [];
    const handler = async (delivery: Delivery, mayWait: () => boolean) => (calls.push(delivery), handle(mayWait));
    const deadLettered = { inc: ({ reason }: { reason: string }) => void counted.push(reason) };
    const options = { deliveryLimit, settleRetry: { initialMs: 200, maxMs: 400 }, deadLettered };
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
    expect(counted, 'counted once, when the broker took it').to.deep.equal(['invalid_payload']);
    await consumer!.stop();
    await session!.close();
    expect(await readyInQueue(vhost.url)).to.equal(0);
  });

  it('dead-letters a message past the delivery limit where no policy enforces one, with its count, and says the broker did not', async () => {
    const c = await consume(() => ({ kind: 'requeue' }));
    await publish(vhost.url, 'always-fails-1');
    const [letter] = await deadLettersAsPublished(vhost.url);
    expect(letter!.properties.messageId).to.equal('always-fails-1');
    expect(letter!.properties.headers).to.deep.include({ 'x-dead-letter-reason': 'delivery_limit', 'x-dead-letter-delivery-count': DELIVERY_LIMIT + 1 });
    expect(letter!.properties.headers, 'the broker count is not copied: a replayed copy starts again').to.not.have.property('x-delivery-count');
    expect(counted).to.deep.equal(['delivery_limit']);
    expect(calls.map((d) => d.headers['x-delivery-count'] ?? 0)).to.deep.equal([0, 1, 2, 3]);
    expect(c.deliveryLimitEvidence).to.deep.include({ limit: DELIVERY_LIMIT });
    expect(c.deliveryLimitEvidence.pastLimit?.count).to.equal(DELIVERY_LIMIT + 1);
    await c.stop();
    await session!.close();
    expect(await readyInQueue(vhost.url)).to.equal(0);
  });

  it("processes a first delivery whatever x-delivery-count its publisher set, and does not call the policy missing", async () => {
    const c = await consume(() => ({ kind: 'ack' }));
    await publish(vhost.url, 'forged-count-1', { 'x-delivery-count': 25 });
    await eventually(async () => calls.length >= 1, 10_000, 'the delivery handled');
    await sleep(500);
    expect(calls.map((d) => [d.headers['x-delivery-count'], d.redelivered])).to.deep.equal([[25, false]]);
    expect(c.deliveryLimitEvidence.pastLimit).to.equal(null);
    expect(await deadLettered(vhost.url)).to.deep.equal([]);
    expect(counted).to.deep.equal([]);
  });

  it('dead-letters once, and counts once, a poison message whose headers leave no room for the dead-letter headers: the largest is left out and named', async () => {
    const headers = { trace: 'abc', big: 'x'.repeat(65_400) };
    await consume(() => ({ kind: 'dead_letter', reason: 'invalid_payload', detail: 'userid: is required' }), 1_000);
    await publish(vhost.url, 'fat-headers-1', headers);
    const [letter] = await deadLettersAsPublished(vhost.url);
    await sleep(1_000);
    expect(calls, 'deliveries').to.have.length(1);
    expect(letter!.properties.messageId).to.equal('fat-headers-1');
    expect(letter!.properties.headers).to.deep.include({ trace: 'abc', 'x-dead-letter-reason': 'invalid_payload', 'x-dead-letter-dropped-headers': 'big' });
    expect(letter!.properties.headers).to.not.have.property('big');
    expect(counted).to.deep.equal(['invalid_payload']);
    expect(await readyInQueue(vhost.url)).to.equal(0);
  });

  it('lets a handler that waits (on a database that says try later) stop waiting when the consumer stops, and hands its delivery back', async () => {
    const c = await consume(async (mayWait) => {
      while (mayWait()) await sleep(20);
      return { kind: 'requeue' };
    });
    await publish(vhost.url, 'held-1');
    await eventually(async () => calls.length >= 1, 10_000, 'the delivery held');
    const started = Date.now();
    const stopped = await Promise.race([c.stop().then(() => 'stopped'), sleep(5_000).then(() => 'still waiting')]);
    expect(stopped).to.equal('stopped');
    expect(Date.now() - started).to.be.below(2_000);
    expect(session!.health().state, 'the connection stays open: nothing else ends the wait').to.equal('connected');
    expect(await readyInQueue(vhost.url), 'handed back to the queue for another consumer').to.equal(1);
  });
});
