import type { StreamConnections } from './stream-connections.js';

/**
 * Pings every connection four times per idle timeout (browsers answer protocol pings by
 * themselves, so a live page always counts as heard) and drops one not heard from for the whole
 * timeout: a connection silent for `idleMs` goes within `idleMs` and a quarter of it.
 */
export class IdleSweep {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly connections: StreamConnections,
    private readonly idleMs: number,
    private readonly dropped: (kind: 'user' | 'admin') => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(), Math.max(100, Math.floor(this.idleMs / 4)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  sweep(): void {
    const now = Date.now();
    for (const connection of this.connections.list()) {
      if (now - connection.heardAt < this.idleMs) {
        connection.socket.ping();
        continue;
      }
      this.connections.remove(connection);
      connection.socket.terminate();
      this.dropped(connection.subscriber.kind);
    }
  }
}
