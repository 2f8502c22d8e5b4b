import { expect } from 'chai';
import { RevokedKeySweep } from '../../../../src/entrypoints/ws/revoked-key-sweep.js';
import { StreamConnections } from '../../../../src/entrypoints/ws/stream-connections.js';
import { capturedLogger } from '../../log-capture.js';
import { admin, connectionOf, streamMetrics, user } from './fake-socket.js';

function sweepWorld(liveKeyIds: (ids: readonly string[]) => Promise<ReadonlySet<string>>) {
  const connections = new StreamConnections(1024, streamMetrics());
  const { lines, logger } = capturedLogger('warn');
  let closed = 0;
  const sweep = new RevokedKeySweep({ connections, liveKeyIds, everyMs: 60_000, closed: () => void (closed += 1), logger });
  const streams = [connectionOf(admin('k-1')), connectionOf(admin('k-2')), connectionOf(admin('k-1')), connectionOf(user('u-1'))];
  for (const c of streams) connections.add(c);
  return { sweep, connections, streams, lines, closed: () => closed };
}

describe('RevokedKeySweep', () => {
  it("asks once for every admin stream's key, and closes the streams of a revoked key with 1008", async () => {
    const asked: string[][] = [];
    const w = sweepWorld(async (ids) => (asked.push([...ids]), new Set(['k-2'])));
    await w.sweep.sweep();
    expect(asked).to.deep.equal([['k-1', 'k-2']]);
    expect(w.streams.map((c) => c.socket.closedWith)).to.deep.equal([1008, null, 1008, null]);
    expect([w.connections.size, w.closed()]).to.deep.equal([2, 2]);
  });

  it('asks nothing while no admin stream is open', async () => {
    let asked = 0;
    const w = sweepWorld(async () => (asked++, new Set()));
    for (const c of w.streams.slice(0, 3)) w.connections.remove(c);
    await w.sweep.sweep();
    expect([asked, w.streams[3]?.socket.closedWith]).to.deep.equal([0, null]);
  });

  it('keeps every stream when the keys cannot be looked up, warning once a minute', async () => {
    const w = sweepWorld(async () => {
      throw new Error('primary away');
    });
    await w.sweep.sweep();
    await w.sweep.sweep();
    expect([w.connections.size, w.closed()]).to.deep.equal([4, 0]);
    expect(w.lines.map((l) => l.msg)).to.deep.equal(['could not check the API keys of the admin streams; checked again next round']);
  });
});
