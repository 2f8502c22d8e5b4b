import { expect } from 'chai';
import net, { type AddressInfo } from 'node:net';
import { TcpProxy } from './support/tcp-proxy.js';

/** Sends `text` through a fresh connection to `port`; resolves with the echo, or the reason it did not come. */
function roundTrip(port: number, text: string, timeoutMs = 1_000): Promise<{ echo?: string; error?: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ error: 'timeout', ms: Date.now() - started });
    }, timeoutMs);
    socket.on('data', (chunk) => {
      clearTimeout(timer);
      socket.end();
      resolve({ echo: chunk.toString(), ms: Date.now() - started });
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message, ms: Date.now() - started });
    });
  });
}

describe('fault tooling: the TCP proxy', function () {
  let echo: net.Server;
  let proxy: TcpProxy;
  before(async () => {
    echo = net.createServer((s) => s.on('data', (d) => s.write(d)).on('error', () => undefined));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', () => resolve()));
    proxy = await TcpProxy.start((echo.address() as AddressInfo).port);
  });
  after(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  it('forwards in pass mode', async () => {
    expect((await roundTrip(proxy.port, 'hello')).echo).to.equal('hello');
  });

  it('adds latency in each direction', async () => {
    proxy.latency(150);
    const result = await roundTrip(proxy.port, 'slow');
    proxy.pass();
    expect(result.echo).to.equal('slow');
    expect(result.ms).to.be.at.least(290);
  });

  it('blackholes: accepts and never answers', async () => {
    proxy.blackhole();
    const result = await roundTrip(proxy.port, 'void', 400);
    proxy.pass();
    expect(result.error).to.equal('timeout');
  });

  it('resets every open connection at once', async () => {
    const socket = net.connect(proxy.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const closed = new Promise<string>((resolve) => {
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      socket.on('close', () => resolve('closed'));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    proxy.resetAll();
    expect(await closed).to.be.oneOf(['ECONNRESET', 'closed']);
    expect((await roundTrip(proxy.port, 'again')).echo).to.equal('again');
  });
});
