import { expect } from 'chai';
import { StreamConnections } from '../../../../src/entrypoints/ws/stream-connections.js';
import { ADMIN, connectionOf, metricValue, streamMetrics, user } from './fake-socket.js';

const MAX_BUFFERED = 1024;

describe('StreamConnections', () => {
  const setup = () => {
    const metrics = streamMetrics();
    return { metrics, connections: new StreamConnections(MAX_BUFFERED, metrics) };
  };

  it("sends a user's frame to that user's connections only, rendered once for all of them", () => {
    const { connections } = setup();
    const [phone, laptop, other, admin] = [connectionOf(user('u-1')), connectionOf(user('u-1')), connectionOf(user('u-2')), connectionOf(ADMIN)];
    for (const c of [phone, laptop, other, admin]) connections.add(c);
    let renders = 0;
    connections.toUser('u-1', () => (renders++, Buffer.from('{"type":"feed_counts"}')));
    expect([phone, laptop, other, admin].map((c) => c.socket.sent)).to.deep.equal([['{"type":"feed_counts"}'], ['{"type":"feed_counts"}'], [], []]);
    expect(renders).to.equal(1);
  });

  it('knows whether a user has a stream here, until their last one is removed', () => {
    const { connections } = setup();
    const [phone, laptop] = [connectionOf(user('u-1')), connectionOf(user('u-1'))];
    connections.add(phone);
    connections.add(laptop);
    connections.remove(phone);
    const before = [connections.hasUser('u-1'), connections.hasUser('u-2')];
    connections.remove(laptop);
    expect([...before, connections.hasUser('u-1')]).to.deep.equal([true, false, false]);
  });

  it('renders nothing for a user with no connection here, nor for admins when none is connected', () => {
    const { connections } = setup();
    connections.add(connectionOf(user('u-1')));
    let renders = 0;
    connections.toUser('u-9', () => (renders++, Buffer.from('x')));
    connections.toAdmins(() => (renders++, Buffer.from('x')));
    expect(renders).to.equal(0);
  });

  it('sends outcome frames to every admin and to no user', () => {
    const { connections } = setup();
    const [a, b, u] = [connectionOf(ADMIN), connectionOf(ADMIN), connectionOf(user('u-1'))];
    for (const c of [a, b, u]) connections.add(c);
    connections.toAdmins(() => Buffer.from('{"event":"notification.sent"}'));
    expect([a, b, u].map((c) => c.socket.sent.length)).to.deep.equal([1, 1, 0]);
  });

  it('drops a client with more than the bound waiting to be written, counts it, and keeps sending to the others', async () => {
    const { connections, metrics } = setup();
    const [slow, fine] = [connectionOf(user('u-1')), connectionOf(user('u-1'))];
    connections.add(slow);
    connections.add(fine);
    slow.socket.bufferedAmount = MAX_BUFFERED + 1;
    connections.toUser('u-1', () => Buffer.from('one'));
    connections.toUser('u-1', () => Buffer.from('two'));
    expect([slow.socket.terminated, slow.socket.sent, fine.socket.sent]).to.deep.equal([true, [], ['one', 'two']]);
    expect(connections.size).to.equal(1);
    expect(await metricValue(metrics.slowClientsDropped, { kind: 'user' })).to.equal(1);
    expect(await metricValue(metrics.messagesSent, { kind: 'user' })).to.equal(2);
  });

  it('keeps a client exactly at the bound', () => {
    const { connections } = setup();
    const c = connectionOf(ADMIN);
    connections.add(c);
    c.socket.bufferedAmount = MAX_BUFFERED;
    connections.toAdmins(() => Buffer.from('x'));
    expect([c.socket.terminated, c.socket.sent]).to.deep.equal([false, ['x']]);
  });

  it('counts open connections by kind, and removing twice counts once', async () => {
    const { connections, metrics } = setup();
    const [a, u1, u2] = [connectionOf(ADMIN), connectionOf(user('u-1')), connectionOf(user('u-1'))];
    for (const c of [a, u1, u2]) connections.add(c);
    connections.remove(u1);
    connections.remove(u1);
    expect([await metricValue(metrics.connections, { kind: 'user' }), await metricValue(metrics.connections, { kind: 'admin' })]).to.deep.equal([1, 1]);
    connections.remove(u2);
    connections.toUser('u-1', () => Buffer.from('x'));
    expect([u1.socket.sent, u2.socket.sent, connections.size]).to.deep.equal([[], [], 1]);
  });
});
