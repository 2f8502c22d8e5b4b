import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createLogger } from '../../../../src/adapters/observability/logger.js';
import { ADMIN_STREAM, type StreamAccess, refused } from '../../../../src/application/realtime/stream-subscriber.js';
import { StreamConnections } from '../../../../src/entrypoints/ws/stream-connections.js';
import { StreamGateway } from '../../../../src/entrypoints/ws/stream-gateway.js';
import { RefusedUpgrade, StreamClient } from '../../../support/stream-client.js';
import { SequentialIds } from '../../../support/fakes.js';
import { metricValue, streamMetrics } from './fake-socket.js';

/** The gateway on a local HTTP server, with fake credentials: `?as=admin` opens, anything else is 401. */
async function gatewayWorld(maxConnections = 10) {
  const metrics = streamMetrics();
  const connections = new StreamConnections(1024 * 1024, metrics);
  const lifecycle = { shuttingDown: false };
  let watching = 0;
  const gateway = new StreamGateway({
    access: async ({ query }): Promise<StreamAccess> => (query.get('as') === 'admin' ? ADMIN_STREAM : refused(401, 'no')),
    connections,
    watchOutcomes: async () => (watching++, () => void watching--),
    ids: new SequentialIds(),
    lifecycle,
    settings: { maxConnections, idleTimeoutMs: 60_000, maxMessageBytes: 4096 },
    metrics,
    logger: createLogger('silent'),
  });
  const server: Server = createServer((_req, res) => res.end()).listen(0, '127.0.0.1');
  server.on('upgrade', gateway.upgrade);
  await new Promise((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const open = () => StreamClient.connect(baseUrl, { as: 'admin' });
  const status = (connecting: Promise<StreamClient>) => connecting.then(() => 101, (e: unknown) => (e instanceof RefusedUpgrade ? e.status : -1));
  const stop = async () => {
    await gateway.close(200);
    server.closeAllConnections();
    server.close();
  };
  return { baseUrl, gateway, connections, lifecycle, metrics, open, status, stop, watching: () => watching };
}

describe('StreamGateway (a local server, fake credentials)', () => {
  it('refuses streams past the cap with 503, before accepting, and counts the refusal', async () => {
    const w = await gatewayWorld(1);
    try {
      const first = await w.open();
      expect(await w.status(w.open())).to.equal(503);
      expect(await metricValue(w.metrics.upgradesRefused, { status: '503' })).to.equal(1);
      first.close();
      await first.closed;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await w.status(w.open())).to.equal(101);
    } finally {
      await w.stop();
    }
  });

  it('refuses new streams with 503 while shutting down, and closes the open ones with 1001', async () => {
    const w = await gatewayWorld();
    const client = await w.open();
    await client.next((f) => f.type === 'connected');
    w.lifecycle.shuttingDown = true;
    expect(await w.status(w.open())).to.equal(503);
    await w.stop();
    expect(await client.closed).to.deep.equal({ code: 1001, reason: 'server shutting down' });
    expect([w.connections.size, w.watching()]).to.deep.equal([0, 0]);
  });

  it('holds the outcome binding while an admin stream is open, and lets it go when it closes', async () => {
    const w = await gatewayWorld();
    try {
      const client = await w.open();
      await client.next((f) => f.type === 'connected');
      expect(w.watching()).to.equal(1);
      client.close();
      await client.closed;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect([w.watching(), w.connections.size]).to.deep.equal([0, 0]);
      expect(await metricValue(w.metrics.connections)).to.equal(0);
    } finally {
      await w.stop();
    }
  });

  it('closes a stream that sends more than 4 KiB in one message (1009)', async () => {
    const w = await gatewayWorld();
    try {
      const client = await w.open();
      client.send({ type: 'ping', padding: 'x'.repeat(5000) });
      expect((await client.closed).code).to.equal(1009);
    } finally {
      await w.stop();
    }
  });

  it('answers another path with 404 and a refused credential with 401, accepting neither', async () => {
    const w = await gatewayWorld();
    try {
      expect(await w.status(StreamClient.connect(w.baseUrl, { as: 'admin' }, {}, '/elsewhere'))).to.equal(404);
      expect(await w.status(StreamClient.connect(w.baseUrl, { as: 'nobody' }))).to.equal(401);
      expect(w.connections.size).to.equal(0);
    } finally {
      await w.stop();
    }
  });
});
