import { expect } from 'chai';
import { feedToken } from '../../src/adapters/realtime/hmac-feed-tokens.js';
import { eventually } from '../support/databases.js';
import { E2E_ADMIN_KEY } from '../support/e2e-service.js';
import { HttpClient } from '../support/http-client.js';
import { PipelineWorld } from '../support/pipeline-world.js';
import { ServiceProcess } from '../support/service-process.js';
import { type Frame, RefusedUpgrade, StreamClient } from '../support/stream-client.js';

const SECRET = 'e2e-feed-signing-secret-0123456789abcdef';
/** Small, so that a client that stops reading is dropped after a few frames past the kernel's buffers. */
const MAX_BUFFERED = 64 * 1024;

async function refusal(connecting: Promise<StreamClient>): Promise<RefusedUpgrade> {
  const error = await connecting.then(
    (client) => (client.close(), new Error('the upgrade was accepted')),
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(RefusedUpgrade);
  return error as RefusedUpgrade;
}

describe('WebSocket stream /ws (two built instances on one database and vhost)', function () {
  this.timeout(120_000);
  let world: PipelineWorld;
  /** A: the clients' instance, which delivers nothing (DELIVERY_CONCURRENCY=0). B: the one delivering. */
  let a: { service: ServiceProcess; admin: HttpClient };
  let b: { service: ServiceProcess; admin: HttpClient };
  const clients: StreamClient[] = [];

  const start = async (env: Record<string, string>) => {
    const { service, baseUrl } = await ServiceProcess.start(world.env({ FEED_SIGNING_SECRET: SECRET, ...env }));
    const admin = new HttpClient(baseUrl, E2E_ADMIN_KEY);
    await eventually(async () => ((await admin.get('/broker/health')).body.components as Record<string, { status: string }> | undefined)?.rabbitmq?.status === 'up', 15_000, 'RabbitMQ up');
    return { service, admin };
  };
  const connect = async (...args: Parameters<typeof StreamClient.connect> extends [string, ...infer Rest] ? Rest : never) => {
    const client = await StreamClient.connect(a.admin.baseUrl, ...args);
    clients.push(client);
    await client.next((f) => f.type === 'connected', 5_000, 'connected');
    return client;
  };
  const asUser = (userId: string) => connect({ userid: userId, token: feedToken(SECRET, userId) });
  const send = async (body: Record<string, unknown>) => {
    const res = await a.admin.post('/notifications/send', body);
    expect(res.status, res.text).to.equal(202);
    return String(res.body.notification_id);
  };
  const inApp = (userId: string, body: string) => send({ channel: 'in_app', recipient: userId, content: { subject: 'Order shipped', body } });

  before(async () => {
    world = await PipelineWorld.create('e2e_ws');
    a = await start({ DELIVERY_CONCURRENCY: '0', WS_MAX_BUFFERED_BYTES: String(MAX_BUFFERED), WS_MAX_STREAMS_PER_SUBJECT: '2' });
    // B checks its admin streams' keys every 2 s (its idle timeout): the revocation test waits that long.
    b = await start({ WS_IDLE_TIMEOUT_SECONDS: '2' });
  });
  after(async () => {
    for (const client of clients) client.close();
    await Promise.allSettled([a?.service.stop(), b?.service.stop()]);
    await world.stop();
  });

  it('greets a user with a connection id, answers ping with pong, and an unknown message with an error', async () => {
    const client = await asUser('u-ping');
    expect(client.frames[0]).to.have.keys('type', 'connection_id').and.include({ type: 'connected' });
    expect(client.frames[0]?.connection_id).to.match(/^[0-9a-f-]{36}$/);
    client.send({ type: 'ping' });
    client.send('not json');
    client.send({ type: 'subscribe' });
    client.send({ type: 'ping' });
    await eventually(async () => client.frames.length >= 5 || undefined, 5_000, 'four answers');
    expect(client.frames.slice(1).map((f) => f.type)).to.deep.equal(['pong', 'error', 'error', 'pong']);
    expect(client.frames[3]).to.deep.equal({ type: 'error', message: 'unknown message type "subscribe": the only one is "ping"' });
  });

  it("tells a user on A of the in-app item B delivered, with the user's counts", async () => {
    const client = await asUser('u-ws');
    const id = await inApp('u-ws', 'In your feed');
    const frame = await client.next((f) => f.type === 'notification', 20_000, 'the item');
    expect(frame).to.deep.include({ type: 'notification', id, notification_type: 'message', title: 'Order shipped', body: 'In your feed', action_url: null, seen_at: null, read_at: null, archived_at: null, unread_count: 1, unseen_count: 1 });
    expect(Date.parse(String(frame.created_at))).to.be.closeTo(Date.now(), 20_000);
    await inApp('u-ws', 'And another');
    const second = await client.next((f) => f.type === 'notification' && f.body === 'And another', 20_000, 'the second item');
    expect([second.unread_count, second.unseen_count]).to.deep.equal([2, 2]);
    expect(b.service.logLines().some((l) => l.msg === 'send attempt recorded' && l.notification_id === id), 'B delivered it').to.equal(true);
    const health = (await a.admin.get('/broker/health')).body.components as Record<string, Record<string, unknown>>;
    expect(health.stream).to.include({ status: 'up', relay: 'connected' });
    expect(health.stream?.connections).to.be.at.least(2);
    expect(a.service.logLines().some((l) => l.msg === 'send attempt recorded'), 'A delivered nothing').to.equal(false);
  });

  it("tells a user on A of every change of their feed made through B's REST API, with the new counts", async () => {
    const client = await asUser('u-counts');
    const [first] = [await inApp('u-counts', 'One'), await inApp('u-counts', 'Two')];
    await eventually(async () => client.ofType('notification').length >= 2 || undefined, 20_000, 'both items');
    const counts = () => client.ofType('feed_counts').map((f) => [f.unread_count, f.unseen_count]);
    expect((await b.admin.post(`/feed/u-counts/items/${first}/read`, {})).status).to.equal(200);
    await eventually(async () => counts().length >= 1 || undefined, 10_000, 'the counts after a read');
    expect((await b.admin.post('/feed/u-counts/seen', {})).status).to.equal(200);
    expect((await b.admin.post('/feed/u-counts/read-all', {})).status).to.equal(200);
    await eventually(async () => counts().length >= 3 || undefined, 10_000, 'the counts after seen and read-all');
    expect(counts()).to.deep.equal([
      [1, 1],
      [1, 0],
      [0, 0],
    ]);
  });

  it('streams every outcome to an admin on A through a ticket issued by B, and refuses the ticket a second time', async () => {
    const issued = await b.admin.post('/ws/tickets', {});
    expect(issued.status, issued.text).to.equal(201);
    expect(issued.headers.get('cache-control')).to.equal('no-store');
    const { ticket, expires_at: expiresAt } = issued.body as { ticket: string; expires_at: string };
    expect(Date.parse(expiresAt) - Date.now()).to.be.within(20_000, 30_000);
    const firehose = await connect({ ticket });
    const id = await send({ notification_type: 'welcome', recipient_email: 'ws-admin@example.com', userid: 'u-firehose' });
    const outcome = await firehose.next((f) => f.notification_id === id, 20_000, 'notification.sent');
    expect(outcome).to.deep.include({ type: 'notification', event: 'notification.sent', event_type: 'notification.sent', userid: 'u-firehose', notification_type: 'welcome', channel: 'email', recipient: 'ws-admin@example.com' });
    expect(outcome.timestamp).to.be.a('number');

    const again = await refusal(StreamClient.connect(a.admin.baseUrl, { ticket }));
    expect(again.status).to.equal(401);
    expect(again.body.detail).to.equal('The ticket is unknown, used or expired: POST /ws/tickets gives another');
  });

  it('opens the admin stream with an API key in the Authorization header, never in the URL', async () => {
    const firehose = await connect({}, { authorization: `Bearer ${E2E_ADMIN_KEY}` });
    const id = await inApp('u-keyed', 'Seen by the admin too');
    const outcome = await firehose.next((f) => f.notification_id === id, 20_000, 'the in-app outcome');
    expect(outcome).to.deep.include({ event: 'notification.sent', channel: 'in_app', recipient: 'u-keyed' });
    expect((await refusal(StreamClient.connect(a.admin.baseUrl, { key: E2E_ADMIN_KEY }))).status).to.equal(401);
  });

  it('refuses a third stream of the same key on A with 429, naming WS_MAX_STREAMS_PER_SUBJECT, its ticket counted against it', async () => {
    // The ticket stream and the header stream above are both the bootstrap key's.
    const byHeader = await refusal(StreamClient.connect(a.admin.baseUrl, {}, { authorization: `Bearer ${E2E_ADMIN_KEY}` }));
    const { ticket } = (await b.admin.post('/ws/tickets', {})).body as { ticket: string };
    const byTicket = await refusal(StreamClient.connect(a.admin.baseUrl, { ticket }));
    for (const refused of [byHeader, byTicket]) {
      expect([refused.status, refused.body.detail]).to.deep.equal([429, "This API key has 2 (WS_MAX_STREAMS_PER_SUBJECT) streams open on this instance, its tickets' included: close one first"]);
    }
    const other = await a.admin.post('/admin/api-keys', { name: 'console', scopes: ['notifications:read'] });
    await connect({}, { authorization: `Bearer ${String(other.body.key)}` });
  });

  it("closes an admin stream with 1008 once the key that issued its ticket is revoked, on another instance than the ticket's", async () => {
    const created = await a.admin.post('/admin/api-keys', { name: 'on-call', scopes: ['notifications:read'] });
    const onCall = new HttpClient(a.admin.baseUrl, String(created.body.key));
    const { ticket } = (await onCall.post('/ws/tickets', {})).body as { ticket: string };
    const firehose = await StreamClient.connect(b.admin.baseUrl, { ticket });
    clients.push(firehose);
    await firehose.next((f) => f.type === 'connected', 5_000, 'connected');
    expect((await a.admin.delete(`/admin/api-keys/${String(created.body.id)}`)).status).to.equal(204);
    const revokedAt = Date.now();
    expect(await firehose.closed).to.deep.equal({ code: 1008, reason: 'the API key was revoked' });
    expect(Date.now() - revokedAt).to.be.below(5_000);
    expect((await b.admin.get('/broker/prometheus')).text).to.match(/^notification_ws_revoked_key_streams_closed_total 1$/m);
  });

  it('refuses before accepting: a bad token 401, a key without the scope 403, another path 404', async () => {
    const bad = await refusal(StreamClient.connect(a.admin.baseUrl, { userid: 'u-ws', token: feedToken(SECRET, 'u-other') }));
    expect([bad.status, bad.body.detail]).to.deep.equal([401, 'The token does not match the userid']);
    const sender = await a.admin.post('/admin/api-keys', { name: 'sender', scopes: ['notifications:send'] });
    const forbidden = await refusal(StreamClient.connect(a.admin.baseUrl, {}, { authorization: `Bearer ${String(sender.body.key)}` }));
    expect(forbidden.status).to.equal(403);
    expect((await refusal(StreamClient.connect(a.admin.baseUrl, {}, {}, '/other'))).status).to.equal(404);
  });

  it('drops a client that stopped reading, and keeps streaming to the same user on another connection', async () => {
    const [slow, normal] = [await asUser('u-slow'), await asUser('u-slow')];
    slow.socket.pause();
    const big = 'x'.repeat(90_000);
    const ids: string[] = [];
    for (let i = 0; i < 100; i += 10) ids.push(...(await Promise.all(Array.from({ length: 10 }, () => inApp('u-slow', big)))));
    await eventually(async () => normal.ofType('notification').length >= ids.length || undefined, 60_000, 'every item on the normal connection');
    expect(new Set(normal.ofType('notification').map((f: Frame) => f.id))).to.deep.equal(new Set(ids));
    const metrics = (await a.admin.get('/broker/prometheus')).text;
    expect(metrics).to.match(/^notification_ws_slow_clients_dropped_total\{kind="user"\} 1$/m);
    slow.socket.resume();
    expect((await slow.closed).code).to.equal(1006);
    expect(slow.ofType('notification').length).to.be.below(ids.length);
  });

  it('closes every stream with 1001 when the instance shuts down', async () => {
    const client = await asUser('u-leaving');
    a.service.signal('SIGTERM');
    expect(await client.closed).to.deep.equal({ code: 1001, reason: 'server shutting down' });
    expect(await a.service.exited()).to.equal(0);
  });
});
