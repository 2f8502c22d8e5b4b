import { expect } from 'chai';
import type { AmqpSession } from '../../../../src/adapters/rabbitmq/amqp-session.js';
import type { AmqpStreamRelay } from '../../../../src/adapters/rabbitmq/amqp-stream-relay.js';
import { streamHealth } from '../../../../src/entrypoints/stream-health.js';
import { StreamConnections } from '../../../../src/entrypoints/ws/stream-connections.js';
import { ADMIN, connectionOf, streamMetrics } from './fake-socket.js';

const brokerIn = (state: ReturnType<AmqpSession['health']>) => ({ session: { health: () => state } as AmqpSession, relay: {} as AmqpStreamRelay });

describe('streamHealth', () => {
  const connections = new StreamConnections(1024, streamMetrics());
  connections.add(connectionOf(ADMIN));

  it('shows the open streams and the relay up while its connection lives', async () => {
    expect(await streamHealth(connections, brokerIn({ state: 'connected', error: null })).check()).to.deep.equal({ status: 'up', relay: 'connected', connections: 1 });
  });

  it('is down, with the reason, while the relay reconnects, and never critical', async () => {
    const check = streamHealth(connections, brokerIn({ state: 'connecting', error: 'ECONNREFUSED' }));
    expect([check.critical, await check.check()]).to.deep.equal([false, { status: 'down', relay: 'connecting', connections: 1, error: 'ECONNREFUSED' }]);
  });

  it('relays locally without a broker', async () => {
    expect(await streamHealth(connections, null).check()).to.deep.equal({ status: 'up', relay: 'local', connections: 1 });
  });
});
