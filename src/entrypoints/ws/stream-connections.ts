import type { StreamMetrics } from '../../adapters/observability/stream-metrics.js';
import type { StreamFanOut } from '../../adapters/realtime/stream-fan-out.js';
import type { StreamSubscriber } from '../../application/realtime/stream-subscriber.js';

const TEXT = { binary: false } as const;

/** What the stream needs of an open WebSocket (ws's WebSocket has it). */
export interface StreamSocket {
  /** Bytes accepted by send() and not yet handed to the network. */
  readonly bufferedAmount: number;
  send(frame: Buffer | string, options: { binary: false }): void;
  ping(): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

export interface StreamConnection {
  readonly id: string;
  readonly socket: StreamSocket;
  readonly subscriber: StreamSubscriber;
  /** When the client was last heard from (a message or a pong), epoch ms. */
  heardAt: number;
}

/**
 * This instance's open streams: users by id (a lookup per message, however many users are
 * connected), admins as one set. Memory is bounded per client: before each write, a client with
 * more than `maxBufferedBytes` still waiting to be written is dropped, never left to grow the
 * server's memory.
 */
export class StreamConnections implements StreamFanOut {
  private readonly all = new Set<StreamConnection>();
  private readonly users = new Map<string, Set<StreamConnection>>();
  private readonly admins = new Set<StreamConnection>();

  constructor(
    private readonly maxBufferedBytes: number,
    private readonly metrics: StreamMetrics,
  ) {}

  get size(): number {
    return this.all.size;
  }

  list(): IterableIterator<StreamConnection> {
    return this.all.values();
  }

  add(connection: StreamConnection): void {
    const { subscriber } = connection;
    this.all.add(connection);
    if (subscriber.kind === 'admin') this.admins.add(connection);
    else this.users.set(subscriber.userId, (this.users.get(subscriber.userId) ?? new Set()).add(connection));
    this.metrics.connections.inc({ kind: subscriber.kind });
  }

  /** Idempotent: a dropped client is removed at once, and again when its close event comes. */
  remove(connection: StreamConnection): void {
    const { subscriber } = connection;
    if (!this.all.delete(connection)) return;
    if (subscriber.kind === 'admin') this.admins.delete(connection);
    else {
      const sockets = this.users.get(subscriber.userId);
      sockets?.delete(connection);
      if (sockets?.size === 0) this.users.delete(subscriber.userId);
    }
    this.metrics.connections.dec({ kind: subscriber.kind });
  }

  hasUser(userId: string): boolean {
    return this.users.has(userId);
  }

  toUser(userId: string, frame: () => Buffer): void {
    const sockets = this.users.get(userId);
    if (sockets) this.sendAll(sockets, 'user', frame());
  }

  toAdmins(frame: () => Buffer): void {
    if (this.admins.size > 0) this.sendAll(this.admins, 'admin', frame());
  }

  /** One frame to one client (a reply), under the same bound. */
  send(connection: StreamConnection, frame: Buffer | string): void {
    if (this.write(connection, frame)) this.metrics.messagesSent.inc({ kind: connection.subscriber.kind });
  }

  private sendAll(connections: ReadonlySet<StreamConnection>, kind: StreamSubscriber['kind'], frame: Buffer): void {
    let sent = 0;
    for (const connection of connections) if (this.write(connection, frame)) sent += 1;
    if (sent > 0) this.metrics.messagesSent.inc({ kind }, sent);
  }

  private write(connection: StreamConnection, frame: Buffer | string): boolean {
    if (connection.socket.bufferedAmount > this.maxBufferedBytes) {
      this.remove(connection);
      connection.socket.terminate();
      this.metrics.slowClientsDropped.inc({ kind: connection.subscriber.kind });
      return false;
    }
    connection.socket.send(frame, TEXT);
    return true;
  }
}
