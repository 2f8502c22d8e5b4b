import net, { type AddressInfo, type Socket } from 'node:net';

export type ProxyMode = { readonly kind: 'pass' } | { readonly kind: 'latency'; readonly ms: number } | { readonly kind: 'blackhole' };

/**
 * A small TCP proxy on 127.0.0.1 (random port) to a target, for network faults without Toxiproxy:
 * pass, added latency per chunk (each direction), blackhole (accept, never forward, never answer),
 * reset (destroy every open connection now), close.
 * The mode applies to new data: a chunk is delayed or dropped according to the mode when it arrives.
 */
export class TcpProxy {
  private mode: ProxyMode = { kind: 'pass' };
  private readonly sockets = new Set<Socket>();
  /** Connections accepted so far. */
  connections = 0;

  private constructor(
    private readonly server: net.Server,
    readonly targetHost: string,
    readonly targetPort: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const server = net.createServer();
    const proxy = new TcpProxy(server, targetHost, targetPort);
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  pass(): void {
    this.mode = { kind: 'pass' };
  }

  latency(ms: number): void {
    this.mode = { kind: 'latency', ms };
  }

  /** New connections are accepted and never connected onward; data on open ones is swallowed. */
  blackhole(): void {
    this.mode = { kind: 'blackhole' };
  }

  /** Destroys every open connection now (both sides see a reset/close); the mode is kept. */
  resetAll(): void {
    for (const socket of this.sockets) socket.resetAndDestroy?.() ?? socket.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private accept(client: Socket): void {
    this.connections += 1;
    this.track(client);
    if (this.mode.kind === 'blackhole') {
      client.on('data', () => undefined);
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.track(upstream);
    this.pipe(client, upstream);
    this.pipe(upstream, client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
  }

  /** Forwards chunks in order, applying the mode current when each chunk arrives. */
  private pipe(from: Socket, to: Socket): void {
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const mode = this.mode;
      if (mode.kind === 'blackhole') return;
      if (mode.kind === 'pass') {
        chain = chain.then(() => {
          if (!to.destroyed) to.write(chunk);
        });
        return;
      }
      const due = Date.now() + mode.ms;
      chain = chain.then(
        () =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              if (!to.destroyed) to.write(chunk);
              resolve();
            }, Math.max(0, due - Date.now())),
          ),
      );
    });
  }
}
