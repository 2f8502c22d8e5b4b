import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { expect } from 'chai';
import { createLogger } from '../../../src/adapters/observability/logger.js';
import { AmqpConsumer, type Delivery } from '../../../src/adapters/rabbitmq/amqp-consumer.js';
import { AmqpSession, FatalBrokerError } from '../../../src/adapters/rabbitmq/amqp-session.js';
import { declareTopology } from '../../../src/adapters/rabbitmq/topology.js';
import { DEFAULT_TOPOLOGY, TestVhost, UNROUTABLE } from '../../support/broker.js';
import { eventually } from '../../support/databases.js';
import { rejection } from '../../unit/rejection.js';

const run = promisify(execFile);
const logger = createLogger('silent');

const TOPOLOGY = DEFAULT_TOPOLOGY;

/** Runs `work` on a fresh connection to the vhost, closed afterwards whatever happens. */
async function onVhost<T>(vhost: TestVhost, work: (connection: ChannelModel, channel: ConfirmChannel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(vhost.url);
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    return await work(connection, channel);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** rabbitmqctl's view of a vhost's objects, one record per line. */
async function listed(vhost: string, what: 'queues' | 'exchanges' | 'bindings', columns: string[]): Promise<string[][]> {
  const { stdout } = await run('rabbitmqctl', ['-q', `list_${what}`, '-p', vhost, ...columns, '--no-table-headers']);
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.split('\t'));
}

async function publishConfirmed(vhost: TestVhost, routingKey: string, messageId: string): Promise<void> {
  await onVhost(vhost, async (_, channel) => {
    channel.publish(TOPOLOGY.exchange, routingKey, Buffer.from(JSON.stringify({ messageId })), { persistent: true, messageId });
    await channel.waitForConfirms();
  });
}

/** Message ids waiting in a queue; read and put back (nacked on channel close). */
async function idsIn(vhost: TestVhost, queue: string): Promise<string[]> {
  return (await vhost.peek(queue)).map((m) => m.messageId ?? '');
}

describe('RabbitMQ topology', function () {
  this.timeout(30_000);

  describe('on a fresh vhost with the policies', () => {
    let vhost: TestVhost;

    before(async () => {
      vhost = await TestVhost.create('it_topology');
      await onVhost(vhost, (connection) => declareTopology(connection, TOPOLOGY));
    });
    after(async () => {
      await vhost.drop();
    });

    it('declares durable exchanges of the right kinds', async () => {
      await onVhost(vhost, async (_, channel) => {
        for (const name of [TOPOLOGY.exchange, TOPOLOGY.deadLetterExchange, UNROUTABLE]) await channel.checkExchange(name);
      });
      const exchanges = new Map((await listed(vhost.name, 'exchanges', ['name', 'type', 'durable'])).map(([name, ...rest]) => [name, rest]));
      expect(exchanges.get(TOPOLOGY.exchange)).to.deep.equal(['topic', 'true']);
      expect(exchanges.get(TOPOLOGY.deadLetterExchange)).to.deep.equal(['fanout', 'true']);
      expect(exchanges.get(UNROUTABLE)).to.deep.equal(['fanout', 'true']);
    });

    it('declares the service, dead-letter and unroutable queues as durable quorum queues, empty and unconsumed', async () => {
      await onVhost(vhost, async (_, channel) => {
        for (const name of [TOPOLOGY.queue, TOPOLOGY.deadLetterQueue, UNROUTABLE]) {
          expect(await channel.checkQueue(name)).to.deep.equal({ queue: name, messageCount: 0, consumerCount: 0 });
        }
      });
      const queues = new Map((await listed(vhost.name, 'queues', ['name', 'type', 'durable', 'policy'])).map(([name, ...rest]) => [name, rest]));
      expect(queues.get(TOPOLOGY.queue)).to.deep.equal(['quorum', 'true', 'notification-service-queue']);
      expect(queues.get(TOPOLOGY.deadLetterQueue)?.slice(0, 2)).to.deep.equal(['quorum', 'true']);
      expect(queues.get(UNROUTABLE)?.slice(0, 2)).to.deep.equal(['quorum', 'true']);
    });

    it('binds the service queue to its patterns and the dead-letter and unroutable queues to their exchanges', async () => {
      const bindings = (await listed(vhost.name, 'bindings', ['source_name', 'destination_name', 'routing_key']))
        .filter(([source]) => source !== '')
        .map((b) => b.join(' '))
        .sort();
      expect(bindings).to.deep.equal(
        [
          `${TOPOLOGY.exchange} ${TOPOLOGY.queue} order.#`,
          `${TOPOLOGY.exchange} ${TOPOLOGY.queue} user.#`,
          `${TOPOLOGY.deadLetterExchange} ${TOPOLOGY.deadLetterQueue} `,
          `${UNROUTABLE} ${UNROUTABLE} `,
        ].sort(),
      );
    });

    it('routes user.x to the service queue and notification.sent only to the alternate exchange queue', async () => {
      await publishConfirmed(vhost, 'user.x', 'routed-1');
      await publishConfirmed(vhost, 'notification.sent', 'unbound-1');
      expect(await idsIn(vhost, TOPOLOGY.queue)).to.deep.equal(['routed-1']);
      expect(await idsIn(vhost, UNROUTABLE)).to.deep.equal(['unbound-1']);
      expect(await idsIn(vhost, TOPOLOGY.deadLetterQueue)).to.deep.equal([]);
    });

    it('declares again without error, keeping the queued messages (idempotent)', async () => {
      const before = await onVhost(vhost, (_, channel) => channel.checkQueue(TOPOLOGY.queue));
      await onVhost(vhost, async (connection) => {
        await declareTopology(connection, TOPOLOGY);
        await declareTopology(connection, TOPOLOGY);
      });
      const after = await onVhost(vhost, (_, channel) => channel.checkQueue(TOPOLOGY.queue));
      expect(after).to.deep.equal(before);
      expect((await listed(vhost.name, 'bindings', ['destination_name'])).filter(([d]) => d === TOPOLOGY.queue)).to.have.length(3);
    });
  });

  describe('drift', () => {
    let vhost: TestVhost;

    before(async () => {
      vhost = await TestVhost.create('it_topology_drift');
    });
    after(async () => {
      await vhost.drop();
    });
    afterEach(async () => {
      await onVhost(vhost, async (_, channel) => {
        await channel.deleteQueue(TOPOLOGY.queue);
      });
    });

    async function expectDrift(): Promise<FatalBrokerError> {
      const error = await onVhost(vhost, (connection) => rejection(declareTopology(connection, TOPOLOGY)));
      expect(error).to.be.instanceOf(FatalBrokerError);
      expect(error.message).to.include(TOPOLOGY.queue).and.to.include('nothing was consumed');
      return error;
    }

    it('throws FatalBrokerError naming the queue when it exists as a classic queue', async () => {
      await onVhost(vhost, (_, channel) => channel.assertQueue(TOPOLOGY.queue, { durable: true }));
      const error = await expectDrift();
      expect(error.message).to.include('x-queue-type');
    });

    it('throws FatalBrokerError when the quorum queue was declared with an x-max-length argument', async () => {
      await onVhost(vhost, (_, channel) =>
        channel.assertQueue(TOPOLOGY.queue, { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-max-length': 10 } }),
      );
      const error = await expectDrift();
      expect(error.message).to.include('x-max-length');
    });

    it('stops a session at start: onFatal is called, the session is closed and the waiting message is not consumed', async () => {
      await onVhost(vhost, async (_, channel) => {
        await channel.assertQueue(TOPOLOGY.queue, { durable: true });
        channel.sendToQueue(TOPOLOGY.queue, Buffer.from('{}'), { persistent: true, messageId: 'waiting-1' });
        await channel.waitForConfirms();
      });
      const handled: Delivery[] = [];
      const consumer = new AmqpConsumer(TOPOLOGY.queue, TOPOLOGY.deadLetterExchange, 5, async (d) => (handled.push(d), { kind: 'ack' }), logger);
      const fatal: FatalBrokerError[] = [];
      const session = new AmqpSession(
        { url: vhost.url, heartbeatSeconds: 5, connectionName: 'it-topology-drift', reconnectInitialMs: 50, reconnectMaxMs: 200 },
        [(connection) => declareTopology(connection, TOPOLOGY), consumer.setup],
        logger,
        (error) => fatal.push(error),
      );
      try {
        await session.start();
        expect(fatal).to.have.length(1);
        expect(fatal[0]?.message).to.include(TOPOLOGY.queue).and.to.include('nothing was consumed');
        expect(session.health().state).to.equal('closed');
        expect(consumer.consuming).to.equal(false);
        expect(handled).to.deep.equal([]);
        const depth = await eventually(async () => {
          const d = await vhost.depth(TOPOLOGY.queue);
          return d.ready === 1 ? d : undefined;
        }, 5_000, 'the waiting message back in the queue');
        expect(depth).to.deep.equal({ ready: 1, unacked: 0 });
      } finally {
        await session.close();
      }
    });
  });
});
