import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { GetMessage, Options } from 'amqplib';
import { expect } from 'chai';
import { createLogger } from '../../../src/adapters/observability/logger.js';
import { AmqpConsumer, type DeliveryHandler, type Disposition } from '../../../src/adapters/rabbitmq/amqp-consumer.js';
import { AmqpSession, type FatalBrokerError } from '../../../src/adapters/rabbitmq/amqp-session.js';
import { declareTopology } from '../../../src/adapters/rabbitmq/topology.js';
import { DEFAULT_TOPOLOGY, TestVhost } from '../../support/broker.js';
import { eventually } from '../../support/databases.js';

const run = promisify(execFile);
const logger = createLogger('silent');
const DELIVERY_LIMIT = 3;

const TOPOLOGY = DEFAULT_TOPOLOGY;

interface Call {
  readonly id: string;
  readonly redelivered: boolean;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly live: () => boolean;
  /** live() when the handler returned its disposition; undefined while it runs. */
  liveAtEnd?: boolean;
}

type Script = (attempt: number) => Promise<Disposition>;

/** A delivery handler driven per message id; records every call it gets. */
class ScriptedHandler {
  readonly calls: Call[] = [];
  private readonly scripts = new Map<string, Script>();

  constructor(private readonly fallback: Script = async () => ({ kind: 'ack' })) {}

  script(id: string, script: Script): void {
    this.scripts.set(id, script);
  }

  callsOf(id: string): Call[] {
    return this.calls.filter((c) => c.id === id);
  }

  /** Ids whose last call ended on a live channel: their disposition reached the broker. */
  settledIds(): Set<string> {
    return new Set(this.calls.filter((c) => c.liveAtEnd === true).map((c) => c.id));
  }

  readonly handle: DeliveryHandler = async (delivery, live) => {
    const id = delivery.messageId ?? '';
    const call: Call = { id, redelivered: delivery.redelivered, headers: delivery.headers, live };
    this.calls.push(call);
    const disposition = await (this.scripts.get(id) ?? this.fallback)(this.callsOf(id).length);
    call.liveAtEnd = live();
    return disposition;
  };
}

/** Opened gates of every test, opened in afterEach so that a failed test leaves no handler waiting. */
const gates: Array<() => void> = [];

function gate(): { open: () => void; opened: Promise<void> } {
  let open = () => undefined as void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  gates.push(() => open());
  return { open: () => open(), opened };
}

async function publish(vhost: TestVhost, messages: Array<{ id: string; routingKey?: string; body?: unknown; options?: Options.Publish }>): Promise<void> {
  await vhost.withChannel(async (channel) => {
    for (const m of messages) {
      const body = Buffer.from(JSON.stringify(m.body ?? { id: m.id }));
      channel.publish(TOPOLOGY.exchange, m.routingKey ?? 'user.created', body, { persistent: true, contentType: 'application/json', messageId: m.id, ...m.options });
    }
    await channel.waitForConfirms();
  });
}

/** What waits in the dead-letter queue (read, then put back when the channel closes). */
async function deadLettered(vhost: TestVhost): Promise<GetMessage[]> {
  return vhost.withChannel(async (channel) => {
    const out: GetMessage[] = [];
    for (let m = await channel.get(TOPOLOGY.deadLetterQueue); m; m = await channel.get(TOPOLOGY.deadLetterQueue)) out.push(m);
    return out;
  });
}

async function deadLetteredIds(vhost: TestVhost): Promise<string[]> {
  return (await deadLettered(vhost)).map((m) => String(m.properties.messageId));
}

/** Consumers the broker lists on the service queue (a quorum queue's consumer count still includes a cancelled consumer with unacked deliveries). */
async function consumersOnQueue(vhost: TestVhost): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_consumers', '-p', vhost.name, 'queue_name', '--no-table-headers']);
  return stdout.split('\n').filter((line) => line.trim() === TOPOLOGY.queue).length;
}

/** Connections to the vhost whose client named itself `name`. */
async function connectionsNamed(vhost: TestVhost, name: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_connections', 'vhost', 'client_properties', '--no-table-headers']);
  return stdout.split('\n').filter((line) => line.startsWith(`${vhost.name}\t`) && line.includes(`"${name}"`)).length;
}

async function readyCount(vhost: TestVhost): Promise<number> {
  return vhost.withChannel(async (channel) => (await channel.checkQueue(TOPOLOGY.queue)).messageCount);
}

describe('AmqpSession with AmqpConsumer', function () {
  this.timeout(30_000);
  let vhost: TestVhost;
  let session: AmqpSession | null = null;
  let consumer: AmqpConsumer | null = null;
  const fatals: FatalBrokerError[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  async function consume(handler: ScriptedHandler, prefetch = 5): Promise<{ session: AmqpSession; consumer: AmqpConsumer }> {
    const c = new AmqpConsumer(TOPOLOGY.queue, TOPOLOGY.deadLetterExchange, prefetch, handler.handle, logger, { deliveryLimit: DELIVERY_LIMIT });
    const s = new AmqpSession(
      { url: vhost.url, heartbeatSeconds: 5, connectionName: 'it-session-consumer', reconnectInitialMs: 50, reconnectMaxMs: 500 },
      [(connection) => declareTopology(connection, TOPOLOGY), c.setup],
      logger,
      (error) => fatals.push(error),
    );
    session = s;
    consumer = c;
    await s.start();
    expect(s.health()).to.deep.equal({ state: 'connected', error: null });
    expect(c.consuming).to.equal(true);
    return { session: s, consumer: c };
  }

  /**
   * Stops consuming and checks that nothing is left: with the connection closed every unacked
   * delivery is back in the queue, and checkQueue counts ready messages exactly (rabbitmqctl's
   * counts of a quorum queue lag by up to the stats interval, about 5 s, so they can read 0 early).
   */
  async function expectQueueEmptyOnceClosed(): Promise<void> {
    await consumer?.stop();
    await session?.close();
    expect(await readyCount(vhost)).to.equal(0);
  }

  before(async () => {
    vhost = await TestVhost.create('it_consumer');
    await run('bash', ['scripts/rabbitmq-policies.sh', vhost.name], { env: { ...process.env, RABBITMQ_DELIVERY_LIMIT: String(DELIVERY_LIMIT) } });
    process.on('unhandledRejection', onUnhandled);
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await vhost.drop();
  });
  afterEach(async () => {
    for (const open of gates.splice(0)) open();
    await consumer?.stop();
    await session?.close();
    session = null;
    consumer = null;
    await vhost.withChannel((channel) => channel.purgeQueue(TOPOLOGY.queue));
    expect(fatals).to.deep.equal([]);
    expect(unhandled).to.deep.equal([]);
  });

  it('removes a message the handler acks', async () => {
    const handler = new ScriptedHandler();
    await consume(handler);
    await publish(vhost, [{ id: 'ack-1' }]);
    await eventually(async () => handler.settledIds().has('ack-1'), 5_000, 'ack-1 handled');
    await expectQueueEmptyOnceClosed();
    expect(handler.callsOf('ack-1').map((c) => c.redelivered)).to.deep.equal([false]);
    expect(await deadLetteredIds(vhost)).to.not.include('ack-1');
  });

  it('dead-letters with the reason, the detail, the original routing key and the original body, then acks', async () => {
    const handler = new ScriptedHandler(async () => ({ kind: 'dead_letter', reason: 'invalid_payload', detail: 'userId is required' }));
    await consume(handler);
    const body = { eventType: 'UserCreated', payload: { email: 'x@example.com' } };
    await publish(vhost, [
      { id: 'dl-1', routingKey: 'user.created', body, options: { correlationId: 'corr-dl-1', type: 'UserCreated', headers: { 'x-trace': 'kept' } } },
    ]);
    const [letter] = await eventually(async () => {
      const found = (await deadLettered(vhost)).filter((m) => m.properties.messageId === 'dl-1');
      return found.length > 0 ? found : undefined;
    }, 5_000, 'dl-1 in the dead-letter queue');
    expect(JSON.parse(letter!.content.toString('utf8'))).to.deep.equal(body);
    expect(letter!.properties.headers).to.deep.include({
      'x-dead-letter-reason': 'invalid_payload',
      'x-dead-letter-detail': 'userId is required',
      'x-original-routing-key': 'user.created',
      'x-original-exchange': TOPOLOGY.exchange,
      'x-original-queue': TOPOLOGY.queue,
      'x-trace': 'kept',
    });
    expect(letter!.properties).to.deep.include({ correlationId: 'corr-dl-1', type: 'UserCreated', contentType: 'application/json', deliveryMode: 2 });
    await expectQueueEmptyOnceClosed();
    expect(handler.callsOf('dl-1')).to.have.length(1);
  });

  it('redelivers a message the handler requeues', async () => {
    const handler = new ScriptedHandler();
    handler.script('rq-1', async (attempt) => (attempt === 1 ? { kind: 'requeue' } : { kind: 'ack' }));
    await consume(handler);
    await publish(vhost, [{ id: 'rq-1' }]);
    await eventually(async () => handler.callsOf('rq-1').length === 2 && handler.callsOf('rq-1')[1]?.liveAtEnd, 5_000, 'rq-1 handled twice');
    await expectQueueEmptyOnceClosed();
    expect(handler.callsOf('rq-1').map((c) => c.redelivered)).to.deep.equal([false, true]);
    expect(handler.callsOf('rq-1')[1]?.headers['x-delivery-count']).to.equal(1);
    expect(await deadLetteredIds(vhost)).to.not.include('rq-1');
  });

  it('requeues when the handler throws', async () => {
    const handler = new ScriptedHandler();
    handler.script('throws-1', async (attempt) => {
      if (attempt === 1) throw new Error('a bug');
      return { kind: 'ack' };
    });
    await consume(handler);
    await publish(vhost, [{ id: 'throws-1' }]);
    await eventually(async () => handler.settledIds().has('throws-1') && handler.callsOf('throws-1').length === 2, 5_000, 'throws-1 redelivered');
    await expectQueueEmptyOnceClosed();
    expect(handler.callsOf('throws-1').map((c) => c.redelivered)).to.deep.equal([false, true]);
  });

  it('dead-letters a message requeued every time through the broker once the delivery limit is passed; a healthy one is acked', async () => {
    const handler = new ScriptedHandler();
    handler.script('poison-1', async () => ({ kind: 'requeue' }));
    const { consumer: c } = await consume(handler);
    await publish(vhost, [{ id: 'poison-1' }, { id: 'healthy-1' }]);
    const [letter] = await eventually(async () => {
      const found = (await deadLettered(vhost)).filter((m) => m.properties.messageId === 'poison-1');
      return found.length > 0 ? found : undefined;
    }, 10_000, 'poison-1 in the dead-letter queue');
    const deaths = letter!.properties.headers?.['x-death'] ?? [];
    expect(deaths).to.have.length(1);
    expect(deaths[0]).to.deep.include({ reason: 'delivery_limit', queue: TOPOLOGY.queue, exchange: TOPOLOGY.exchange, count: 1 });
    expect(letter!.properties.headers).to.not.have.property('x-dead-letter-reason');
    await expectQueueEmptyOnceClosed();
    expect(handler.callsOf('poison-1')).to.have.length(DELIVERY_LIMIT + 1);
    // The policy acted first: the consumer's own limit never fired, and it saw nothing past the limit.
    expect(c.deliveryLimitEvidence.pastLimit).to.equal(null);
    expect(handler.callsOf('healthy-1').map((c) => c.liveAtEnd)).to.deep.equal([true]);
    expect(await deadLetteredIds(vhost)).to.not.include('healthy-1');
  });

  it('stop() cancels the consumer and waits for the delivery in flight, which it still acks', async () => {
    const handler = new ScriptedHandler();
    const held = gate();
    handler.script('inflight-1', async () => (await held.opened, { kind: 'ack' }));
    const { consumer: c } = await consume(handler);
    await publish(vhost, [{ id: 'inflight-1' }]);
    await eventually(async () => handler.callsOf('inflight-1').length === 1, 5_000, 'inflight-1 started');
    let stopped = false;
    const stopping = c.stop().then(() => (stopped = true));
    await eventually(async () => (await consumersOnQueue(vhost)) === 0, 5_000, 'the consumer cancelled');
    await publish(vhost, [{ id: 'after-stop-1' }]);
    expect(await readyCount(vhost)).to.equal(1);
    expect(stopped).to.equal(false);
    expect(handler.callsOf('inflight-1').map((c) => c.liveAtEnd)).to.deep.equal([undefined]);
    held.open();
    await stopping;
    // The handler was told not to wait any longer (the consumer is stopping); its channel lived on.
    expect(handler.callsOf('inflight-1').map((c) => c.liveAtEnd)).to.deep.equal([false]);
    // Ready 1 / unacked 0 is a state the queue only reaches if inflight-1 was acked (not acked, it
    // would go from 1/1 to 2/0 once the connection closes), so even a lagging reading proves it.
    await eventually(async () => {
      const d = await vhost.depth(TOPOLOGY.queue);
      return d.ready === 1 && d.unacked === 0;
    }, 10_000, 'inflight-1 acked, after-stop-1 left waiting');
    expect(handler.callsOf('after-stop-1')).to.deep.equal([]);
  });

  it('reconnects after the broker closes every connection, resumes consuming and loses nothing; the delivery of the dead channel is not acked there', async () => {
    const handler = new ScriptedHandler(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { kind: 'ack' };
    });
    const held = gate();
    handler.script('held-1', async () => (await held.opened, { kind: 'ack' }));
    const { session: s, consumer: c } = await consume(handler);
    const early = Array.from({ length: 40 }, (_, i) => ({ id: `early-${i}` }));
    await publish(vhost, [{ id: 'held-1' }]);
    await eventually(async () => handler.callsOf('held-1').length === 1, 5_000, 'held-1 started');
    await publish(vhost, early);
    await eventually(async () => handler.settledIds().size >= 10, 5_000, 'ten early messages handled');

    await run('rabbitmqctl', ['-q', 'close_all_connections', '-p', vhost.name, 'integration test: reconnection']);
    const firstHeld = handler.callsOf('held-1')[0]!;
    await eventually(async () => !firstHeld.live(), 5_000, 'the held delivery to see its channel die');
    await eventually(async () => s.health().state === 'connected' && c.consuming, 10_000, 'the session to reconnect');
    expect(s.health()).to.deep.equal({ state: 'connected', error: null });

    held.open();
    const late = Array.from({ length: 20 }, (_, i) => ({ id: `late-${i}` }));
    await publish(vhost, late);
    const all = ['held-1', ...early.map((m) => m.id), ...late.map((m) => m.id)];
    await eventually(async () => all.every((id) => handler.settledIds().has(id)), 15_000, 'every message settled on a live channel');
    await expectQueueEmptyOnceClosed();

    expect(firstHeld.liveAtEnd).to.equal(false);
    const heldCalls = handler.callsOf('held-1');
    expect(heldCalls.length).to.be.at.least(2);
    expect(heldCalls.slice(1).every((call) => call.redelivered)).to.equal(true);
    expect(new Set(handler.calls.map((call) => call.id))).to.deep.equal(new Set(all));
    expect(await deadLetteredIds(vhost)).to.not.include.members(all);
  });
  // The broker closing the consumer's channel while the connection lives on (a 404 on the
  // dead-letter publish here; a consumer timeout the same way, RELIABILITY scenario 23) recycles
  // the connection, and consumption resumes.
  it('consumes again after the broker closed its channel while the connection stays up', async () => {
    const handler = new ScriptedHandler();
    handler.script('dl-gone-1', async () => ({ kind: 'dead_letter', reason: 'invalid_payload', detail: 'x' }));
    const { session: s } = await consume(handler);
    await vhost.withChannel((channel) => channel.deleteExchange(TOPOLOGY.deadLetterExchange));
    await publish(vhost, [{ id: 'dl-gone-1' }]);
    await eventually(async () => handler.callsOf('dl-gone-1').length >= 1, 5_000, 'dl-gone-1 handled once');
    await vhost.withChannel(async (channel) => {
      await channel.assertExchange(TOPOLOGY.deadLetterExchange, 'fanout', { durable: true });
      await channel.bindQueue(TOPOLOGY.deadLetterQueue, TOPOLOGY.deadLetterExchange, '');
    });
    await publish(vhost, [{ id: 'after-gone-1' }]);
    await eventually(async () => handler.settledIds().has('after-gone-1'), 10_000, 'after-gone-1 handled');
    await eventually(async () => (await deadLetteredIds(vhost)).includes('dl-gone-1'), 10_000, 'dl-gone-1 dead-lettered');
    expect(s.health().state).to.equal('connected');
    await expectQueueEmptyOnceClosed();
  });

  // close() during a connection attempt must win: the attempt, once it completes, is closed.
  it('close() during the first connection attempt leaves the session closed and no connection open', async () => {
    const s = new AmqpSession(
      { url: vhost.url, heartbeatSeconds: 5, connectionName: 'it-close-during-connect', reconnectInitialMs: 50, reconnectMaxMs: 500 },
      [(connection) => declareTopology(connection, TOPOLOGY)],
      logger,
      (error) => fatals.push(error),
    );
    session = s;
    const started = s.start();
    await s.close();
    await started;
    expect(s.health().state).to.equal('closed');
    await eventually(async () => (await connectionsNamed(vhost, 'it-close-during-connect')) === 0, 5_000, 'no connection left open');
  });

  // A failed setup step is reported by health() with its own error, not 'connection closed'.
  it('reports why a setup step failed in health()', async () => {
    const s = new AmqpSession(
      { url: vhost.url, heartbeatSeconds: 5, connectionName: 'it-setup-fails', reconnectInitialMs: 50, reconnectMaxMs: 500 },
      [
        async () => {
          throw new Error('setup exploded');
        },
      ],
      logger,
      (error) => fatals.push(error),
    );
    session = s;
    await s.start();
    expect(s.health()).to.deep.equal({ state: 'connecting', error: 'setup exploded' });
  });
});
