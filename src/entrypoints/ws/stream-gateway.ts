import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../adapters/observability/logger.js';
import type { StreamMetrics } from '../../adapters/observability/stream-metrics.js';
import { connectedFrame } from '../../adapters/realtime/stream-frames.js';
import type { IdGenerator } from '../../application/ports/id-generator.js';
import type { StreamAccess, StreamSubscriber } from '../../application/realtime/stream-subscriber.js';
import { answerTo } from './client-messages.js';
import { IdleSweep } from './idle-sweep.js';
import type { UpgradeCredentials } from './stream-access-check.js';
import type { StreamConnection, StreamConnections } from './stream-connections.js';
import { refuseUpgrade } from './upgrade-refusal.js';

const PATH = '/ws';
const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="notification-service"' };
const GOING_AWAY = 1001;

export interface StreamGatewaySettings {
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
  /** Largest message a client may send (a ping is a dozen bytes); larger ones close the connection (1009). */
  readonly maxMessageBytes: number;
}

export interface StreamGatewayDeps {
  readonly access: (credentials: UpgradeCredentials) => Promise<StreamAccess>;
  readonly connections: StreamConnections;
  /** Holds the outcome events' route to this instance while an admin stream is open (null: no broker). */
  readonly watchOutcomes: (() => Promise<() => void>) | null;
  readonly ids: IdGenerator;
  readonly lifecycle: { readonly shuttingDown: boolean };
  readonly settings: StreamGatewaySettings;
  readonly metrics: StreamMetrics;
  readonly logger: Logger;
}

/**
 * `/ws` on the HTTP server (ADR 19): checks each upgrade before accepting it (path, shutdown,
 * capacity, credentials), then translates: a client's messages to answers, the relay's frames to
 * its subscribers (StreamConnections), silence to a drop (IdleSweep).
 */
export class StreamGateway {
  private readonly server: WebSocketServer;
  private readonly sweep: IdleSweep;
  /** Upgrades being authenticated: they count against the cap already. */
  private admitting = 0;

  constructor(private readonly deps: StreamGatewayDeps) {
    this.server = new WebSocketServer({ noServer: true, maxPayload: deps.settings.maxMessageBytes, clientTracking: false, perMessageDeflate: false });
    this.sweep = new IdleSweep(deps.connections, deps.settings.idleTimeoutMs, (kind) => deps.metrics.idleClientsDropped.inc({ kind }));
  }

  start(): void {
    this.sweep.start();
  }

  /** The HTTP server's `upgrade` listener. */
  readonly upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    this.admit(request, socket, head).catch((error: unknown) => {
      this.deps.logger.error({ err: error }, 'could not check a stream upgrade');
      this.refuse(socket, 503, 'The credentials could not be checked now: try again');
    });
  };

  /** Shutdown: every stream is closed with 1001 (going away); those not closed within `timeoutMs` are cut. */
  async close(timeoutMs = 2_000): Promise<void> {
    this.sweep.stop();
    const { connections } = this.deps;
    for (const connection of connections.list()) connection.socket.close(GOING_AWAY, 'server shutting down');
    const deadline = Date.now() + timeoutMs;
    while (connections.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const connection of connections.list()) connection.socket.terminate();
  }

  private async admit(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stream.invalid');
    if (url.pathname !== PATH) return this.refuse(socket, 404, `No WebSocket here: the stream is at ${PATH}`);
    if (this.deps.lifecycle.shuttingDown) return this.refuse(socket, 503, 'This instance is shutting down: connect again');
    if (this.deps.connections.size + this.admitting >= this.deps.settings.maxConnections) return this.refuse(socket, 503, 'This instance has all the streams it takes: connect again later');
    this.admitting += 1;
    let access: StreamAccess;
    try {
      access = await this.deps.access({ headers: request.headers, query: url.searchParams });
    } finally {
      this.admitting -= 1;
    }
    if (!access.granted) return this.refuse(socket, access.status, access.reason, access.status === 401 ? CHALLENGE : {});
    // Shutdown may have begun while the credentials were checked: close() would miss this stream.
    if (this.deps.lifecycle.shuttingDown) return this.refuse(socket, 503, 'This instance is shutting down: connect again');
    const { subscriber } = access;
    if (socket.destroyed) return;
    this.server.handleUpgrade(request, socket, head, (ws) => void this.open(ws, subscriber));
  }

  private async open(ws: WebSocket, subscriber: StreamSubscriber): Promise<void> {
    const connection: StreamConnection = { id: this.deps.ids.newId(), socket: ws, subscriber, heardAt: Date.now() };
    let closed = false;
    let release: (() => void) | null = null;
    ws.on('close', () => {
      closed = true;
      this.deps.connections.remove(connection);
      release?.();
    });
    ws.on('error', (error) => this.deps.logger.debug({ err: error, connection_id: connection.id }, 'stream connection error'));
    ws.on('pong', () => (connection.heardAt = Date.now()));
    ws.on('message', (data, isBinary) => {
      connection.heardAt = Date.now();
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      this.deps.connections.send(connection, answerTo(bytes, isBinary));
    });
    // An admin is told `connected` once outcome events are routed here: it misses nothing after it.
    if (subscriber.kind === 'admin' && this.deps.watchOutcomes) release = await this.deps.watchOutcomes();
    if (closed) return release?.();
    if (this.deps.lifecycle.shuttingDown) return ws.close(GOING_AWAY, 'server shutting down');
    this.deps.connections.add(connection);
    this.deps.connections.send(connection, connectedFrame(connection.id));
  }

  private refuse(socket: Duplex, status: number, detail: string, headers: Readonly<Record<string, string>> = {}): void {
    this.deps.metrics.upgradesRefused.inc({ status: String(status) });
    refuseUpgrade(socket, status, detail, headers);
  }
}
