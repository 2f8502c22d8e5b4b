import { type Server, createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { expect } from 'chai';
import { type StreamAccess, adminStream, refused } from '../../../../src/application/realtime/stream-subscriber.js';
import { type StreamConnection, StreamConnections } from '../../../../src/entrypoints/ws/stream-connections.js';
import { StreamGateway, type StreamGatewaySettings } from '../../../../src/entrypoints/ws/stream-gateway.js';
import { RefusedUpgrade, StreamClient } from '../../../support/stream-client.js';
import { SequentialIds } from '../../../support/fakes.js';
import { capturedLogger } from '../../log-capture.js';
import { metricValue, streamMetrics } from './fake-socket.js';

interface WorldOptions {
  readonly settings?: Partial<StreamGatewaySettings>;
  /** Credentials are checked only once this resolves. */
  readonly checked?: Promise<void>;
  readonly connections?: StreamConnections;
  readonly liveKeyIds?: (ids: readonly string[]) => Promise<ReadonlySet<string>>;
  readonly failing?: boolean;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

/**
 * The gateway on a local HTTP server, with fake credentials: `?key=K` opens an admin stream for
 * the key K, `?user=U` the stream of user U, anything else is 401.
 */
async function gatewayWorld(options: WorldOptions = {}) {
  const metrics = streamMetrics();
  const connections = options.connections ?? new StreamConnections(1024 * 1024, metrics);
  const lifecycle = { shuttingDown: false };
  const checks: string[] = [];
  const { lines, logger } = capturedLogger('warn');
  const access = async ({ query }: { query: URLSearchParams }): Promise<StreamAccess> => {
    checks.push(query.toString());
    await options.checked;
    if (options.failing) throw new Error('the primary is away');
    const [key, user] = [query.get('key'), query.get('user')];
    return key ? adminStream(key) : user ? { granted: true, subscriber: { kind: 'user', userId: user } } : refused(401, 'no');
  };
  const gateway = new StreamGateway({
    access,
    connections,
    liveKeyIds: options.liveKeyIds ?? (async (ids) => new Set(ids)),
    ids: new SequentialIds(),
    lifecycle,
    settings: { maxConnections: 10, maxStreamsPerSubject: 16, idleTimeoutMs: 60_000, maxMessageBytes: 4096, ...options.settings },
    metrics,
    logger,
  });
  gateway.start();
  const server: Server = createServer((_req, res) => res.end()).listen(0, '127.0.0.1');
  server.on('upgrade', gateway.upgrade);
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const open = (query: Record<string, string> = { key: 'k-1' }) => StreamClient.connect(baseUrl, query);
  const status = (connecting: Promise<StreamClient>) => connecting.then(() => 101, (e: unknown) => (e instanceof RefusedUpgrade ? e.status : -1));
  const refusal = (connecting: Promise<StreamClient>) => connecting.then(() => null, (e: unknown) => (e instanceof RefusedUpgrade ? e : null));
  const stop = async () => {
    await gateway.close(200);
    server.closeAllConnections();
    server.close();
  };
  return { baseUrl, port, gateway, connections, lifecycle, metrics, checks, lines, open, status, refusal, stop };
}

/** Sends a raw upgrade request and answers the status line the server wrote back. */
function rawUpgrade(port: number, lines: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

const HANDSHAKE = ['Host: 127.0.0.1', 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13'];
const without = (name: string) => HANDSHAKE.filter((h) => !h.startsWith(`${name}:`));

describe('StreamGateway (a local server, fake credentials)', () => {
  it('refuses streams past the cap with 503, before accepting, and counts the refusal', async () => {
    const w = await gatewayWorld({ settings: { maxConnections: 1 } });
    try {
      const first = await w.open();
      expect(await w.status(w.open())).to.equal(503);
      expect(await metricValue(w.metrics.upgradesRefused, { status: '503' })).to.equal(1);
      first.close();
      await first.closed;
      await settle();
      expect(await w.status(w.open())).to.equal(101);
    } finally {
      await w.stop();
    }
  });

  it('counts an upgrade from its admission until its socket closes: while its credentials are checked, once open, and not after a refusal', async () => {
    let check = () => undefined as void;
    const w = await gatewayWorld({ settings: { maxConnections: 1 }, checked: new Promise<void>((resolve) => (check = resolve)) });
    try {
      const admin = w.open({ key: 'k-1' });
      await settle();
      expect([w.gateway.admitted, await w.status(w.open({ key: 'k-2' }))]).to.deep.equal([1, 503]);
      check();
      const client = await admin;
      expect([w.gateway.admitted, w.connections.size, await w.status(w.open({ key: 'k-2' }))]).to.deep.equal([1, 1, 503]);
      client.close();
      await client.closed;
      await settle();
      expect(w.gateway.admitted).to.equal(0);
      expect(await w.status(w.open({ nobody: 'x' }))).to.equal(401);
      await settle();
      expect([w.gateway.admitted, await w.status(w.open({ key: 'k-3' }))]).to.deep.equal([0, 101]);
    } finally {
      await w.stop();
    }
  });

  it('cuts a stream that could not be opened, and gives its place back', async () => {
    const metrics = streamMetrics();
    let failures = 1;
    const connections = new (class extends StreamConnections {
      override add(connection: StreamConnection): void {
        if (failures-- > 0) throw new Error('cannot add');
        super.add(connection);
      }
    })(1024 * 1024, metrics);
    const w = await gatewayWorld({ settings: { maxConnections: 1 }, connections });
    try {
      const failed = await w.open();
      expect((await failed.closed).code).to.equal(1006);
      await settle();
      expect([w.gateway.admitted, w.connections.size]).to.deep.equal([0, 0]);
      const client = await w.open();
      await client.next((f) => f.type === 'connected');
      expect(w.lines.filter((l) => l.msg === 'could not open a stream')).to.have.length(1);
    } finally {
      await w.stop();
    }
  });

  it('refuses a stream past WS_MAX_STREAMS_PER_SUBJECT, per user and per key, with 429 naming the limit', async () => {
    const w = await gatewayWorld({ settings: { maxStreamsPerSubject: 2 } });
    try {
      const keyed = [await w.open({ key: 'k-1' }), await w.open({ key: 'k-1' })];
      const users = [await w.open({ user: 'u-1' }), await w.open({ user: 'u-1' })];
      const [key, user] = [await w.refusal(w.open({ key: 'k-1' })), await w.refusal(w.open({ user: 'u-1' }))];
      expect([key?.status, key?.body.detail]).to.deep.equal([429, "This API key has 2 (WS_MAX_STREAMS_PER_SUBJECT) streams open on this instance, its tickets' included: close one first"]);
      expect([user?.status, user?.body.detail]).to.deep.equal([429, 'This user has 2 (WS_MAX_STREAMS_PER_SUBJECT) streams open on this instance: close one first']);
      expect([await w.status(w.open({ key: 'k-2' })), await w.status(w.open({ user: 'u-2' }))], 'other subjects').to.deep.equal([101, 101]);
      expect(await metricValue(w.metrics.upgradesRefused, { status: '429' })).to.equal(2);
      keyed[0]?.close();
      await keyed[0]?.closed;
      await settle();
      expect(await w.status(w.open({ key: 'k-1' })), 'a place given back').to.equal(101);
      expect(users).to.have.length(2);
    } finally {
      await w.stop();
    }
  });

  it('checks the handshake before the credentials: a POST or a request without a key never redeems a ticket', async () => {
    const w = await gatewayWorld();
    try {
      const request = (method: string, headers: readonly string[]) => rawUpgrade(w.port, [`${method} /ws?ticket=wst_x HTTP/1.1`, ...headers]);
      expect(await request('POST', HANDSHAKE)).to.equal('HTTP/1.1 405 Method Not Allowed');
      expect(await request('GET', without('Sec-WebSocket-Key'))).to.equal('HTTP/1.1 400 Bad Request');
      expect(await request('GET', [...without('Sec-WebSocket-Key'), 'Sec-WebSocket-Key: short'])).to.equal('HTTP/1.1 400 Bad Request');
      expect(await request('GET', [...without('Sec-WebSocket-Version'), 'Sec-WebSocket-Version: 12'])).to.equal('HTTP/1.1 400 Bad Request');
      expect(await request('GET', [...without('Upgrade'), 'Upgrade: h2c'])).to.equal('HTTP/1.1 400 Bad Request');
      expect(w.checks, 'no credential was checked').to.deep.equal([]);
      expect(await request('GET', HANDSHAKE)).to.equal('HTTP/1.1 401 Unauthorized');
      expect(w.checks).to.deep.equal(['ticket=wst_x']);
    } finally {
      await w.stop();
    }
  });

  it('answers 503 while the credentials cannot be checked, and logs it once a minute', async () => {
    const w = await gatewayWorld({ failing: true });
    try {
      expect([await w.status(w.open()), await w.status(w.open()), await w.status(w.open())]).to.deep.equal([503, 503, 503]);
      expect(w.lines.filter((l) => l.msg === 'could not check a stream upgrade (logged once a minute)')).to.have.length(1);
      expect(w.gateway.admitted).to.equal(0);
    } finally {
      await w.stop();
    }
  });

  it('closes the admin streams of a revoked key with 1008 at its next check, and keeps the others', async () => {
    const asked: string[][] = [];
    const liveKeyIds = async (ids: readonly string[]) => (asked.push([...ids]), new Set(ids.filter((id) => id !== 'k-revoked')));
    const w = await gatewayWorld({ settings: { idleTimeoutMs: 300 }, liveKeyIds });
    try {
      const [revoked, kept, user] = [await w.open({ key: 'k-revoked' }), await w.open({ key: 'k-kept' }), await w.open({ user: 'u-1' })];
      expect(await revoked.closed).to.deep.equal({ code: 1008, reason: 'the API key was revoked' });
      expect(asked[0]?.sort()).to.deep.equal(['k-kept', 'k-revoked']);
      expect(await metricValue(w.metrics.revokedKeyStreamsClosed)).to.equal(1);
      expect([kept.socket.readyState, user.socket.readyState]).to.deep.equal([1, 1]);
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
    expect(w.connections.size).to.equal(0);
    expect(await metricValue(w.metrics.connections)).to.equal(0);
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
      expect(await w.status(StreamClient.connect(w.baseUrl, { key: 'k-1' }, {}, '/elsewhere'))).to.equal(404);
      expect(await w.status(w.open({ nobody: 'x' }))).to.equal(401);
      expect(w.connections.size).to.equal(0);
    } finally {
      await w.stop();
    }
  });
});
