import { expect } from 'chai';
import sinon from 'sinon';
import { IdleSweep } from '../../../../src/entrypoints/ws/idle-sweep.js';
import { StreamConnections } from '../../../../src/entrypoints/ws/stream-connections.js';
import { ADMIN, connectionOf, streamMetrics, user } from './fake-socket.js';

const IDLE_MS = 60_000;

describe('IdleSweep', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: new Date('2026-11-29T10:00:00Z') });
  });
  afterEach(() => clock.restore());

  const setup = () => {
    const connections = new StreamConnections(1024, streamMetrics());
    const dropped: string[] = [];
    const sweep = new IdleSweep(connections, IDLE_MS, (kind) => dropped.push(kind));
    sweep.start();
    return { connections, dropped, sweep };
  };

  it('pings every connection four times a minute, so that browsers answer with pongs', () => {
    const { connections, sweep } = setup();
    const c = connectionOf(user('u-1'));
    connections.add(c);
    clock.tick(IDLE_MS - 1);
    expect(c.socket.pings).to.equal(3);
    sweep.stop();
  });

  it('drops a connection silent for the idle timeout, and counts it by kind', () => {
    const { connections, dropped, sweep } = setup();
    const c = connectionOf(ADMIN);
    connections.add(c);
    clock.tick(IDLE_MS - 1);
    expect(c.socket.terminated).to.equal(false);
    clock.tick(IDLE_MS / 4);
    expect([c.socket.terminated, connections.size, dropped]).to.deep.equal([true, 0, ['admin']]);
    sweep.stop();
  });

  it('keeps a connection heard from (a message or a pong) within the timeout', () => {
    const { connections, sweep } = setup();
    const c = connectionOf(user('u-1'));
    connections.add(c);
    for (let i = 0; i < 10; i++) {
      clock.tick(IDLE_MS / 2);
      c.heardAt = Date.now();
    }
    expect([c.socket.terminated, connections.size]).to.deep.equal([false, 1]);
    sweep.stop();
  });
});
