import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { LogThrottle } from '../../adapters/observability/log-throttle.js';
import type { Logger } from '../../adapters/observability/logger.js';
import type { StreamMetrics } from '../../adapters/observability/stream-metrics.js';
import { connectedFrame } from '../../adapters/realtime/stream-frames.js';
import type { IdGenerator } from '../../application/ports/id-generator.js';
import { type StreamAccess, type StreamSubscriber, streamSubject } from '../../application/realtime/stream-subscriber.js';
import { answerTo } from './client-messages.js';
import { handshakeProblem } from './handshake-check.js';
import { IdleSweep } from './idle-sweep.js';
import { RevokedKeySweep } from './revoked-key-sweep.js';
import type { UpgradeCredentials } from './stream-access-check.js';
import type { StreamConnection, StreamConnections } from './stream-connections.js';
import { StreamSlots } from './stream-slots.js';
import { refuseUpgrade } from './upgrade-refusal.js';

const PATH = '/ws';
const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="notification-service"' };
const GOING_AWAY = 1001;
const SHUTTING_DOWN = 'This instance is shutting down: connect again';

export interface StreamGatewaySettings {
  readonly maxConnections: number;
  /** Open streams of one user, or of one API key (its tickets included). */
  readonly maxStreamsPerSubject: number;
  readonly idleTimeoutMs: number;
  /** Largest message a client may send (a ping is a dozen bytes); larger ones close the connection (1009). */
  readonly maxMessageBytes: number;
}

export interface StreamGatewayDeps {
  readonly access: (credentials: UpgradeCredentials) => Promise<StreamAccess>;
  readonly connections: StreamConnections;
  /** Of these API key ids, those not revoked (one query for all). */
  readonly liveKeyIds: (ids: readonly string[]) => Promise<ReadonlySet<string>>;
  readonly ids: IdGenerator;
  readonly lifecycle: { readonly shuttingDown: boolean };
  readonly settings: StreamGatewaySettings;
  readonly metrics: StreamMetrics;
  readonly logger: Logger;
}

/**
 * `/ws` on the HTTP server (ADR 19): checks each upgrade before accepting it (path, handshake,
 * shutdown, capacity, credentials, the subject's streams), then translates: a client's messages to
 * answers, the relay's frames to its subscribers (StreamConnections), silence to a drop
 * (IdleSweep), a revoked key to a close (RevokedKeySweep).
 */
export class StreamGateway {
  private readonly server: WebSocketServer;
  private readonly slots: StreamSlots;
  private readonly idle: IdleSweep;
  private readonly revoked: RevokedKeySweep;
  private readonly checkFailures = new LogThrottle();

  constructor(private readonly deps: StreamGatewayDeps) {
    const { settings, metrics, connections, logger } = deps;
    this.server = new WebSocketServer({ noServer: true, maxPayload: settings.maxMessageBytes, clientTracking: false, perMessageDeflate: false });
    this.slots = new StreamSlots(settings.maxConnections, settings.maxStreamsPerSubject);
    this.idle = new IdleSweep(connections, settings.idleTimeoutMs, (kind) => metrics.idleClientsDropped.inc({ kind }));
    const closed = () => metrics.revokedKeyStreamsClosed.inc();
    this.revoked = new RevokedKeySweep({ connections, liveKeyIds: deps.liveKeyIds, everyMs: settings.idleTimeoutMs, closed, logger });
  }

  /** Upgrades admitted and not closed yet: being checked, being opened, or open. */
  get admitted(): number {
    return this.slots.size;
  }

  start(): void {
    this.idle.start();
    this.revoked.start();
  }

  /** The HTTP server's `upgrade` listener. */
  readonly upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    this.admit(request, socket, head).catch((error: unknown) => {
      const held = this.checkFailures.pass();
      if (held !== null) this.deps.logger.error({ err: error, held_back: held }, 'could not check a stream upgrade (logged once a minute)');
      this.refuse(socket, 503, 'The credentials could not be checked now: try again');
    });
  };

  /** Shutdown: every stream is closed with 1001 (going away); those not closed within `timeoutMs` are cut. */
  async close(timeoutMs = 2_000): Promise<void> {
    this.idle.stop();
    this.revoked.stop();
    const { connections } = this.deps;
    for (const connection of connections.list()) connection.socket.close(GOING_AWAY, 'server shutting down');
    const deadline = Date.now() + timeoutMs;
    while (connections.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const connection of connections.list()) connection.socket.terminate();
  }

  private async admit(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stream.invalid');
    if (url.pathname !== PATH) return this.refuse(socket, 404, `No WebSocket here: the stream is at ${PATH}`);
    const handshake = handshakeProblem(request);
    if (handshake) return this.refuse(socket, handshake.status, handshake.detail, handshake.headers);
    if (this.deps.lifecycle.shuttingDown) return this.refuse(socket, 503, SHUTTING_DOWN);
    const slot = this.slots.reserve();
    if (!slot) return this.refuse(socket, 503, 'This instance has all the streams it takes: connect again later');
    // The place is held until the socket closes, whatever comes of the upgrade.
    if (socket.destroyed) return slot.release();
    socket.once('close', slot.release);
    const access = await this.deps.access({ headers: request.headers, query: url.searchParams });
    if (!access.granted) return this.refuse(socket, access.status, access.reason, access.status === 401 ? CHALLENGE : {});
    // Shutdown may have begun while the credentials were checked: close() would miss this stream.
    if (this.deps.lifecycle.shuttingDown) return this.refuse(socket, 503, SHUTTING_DOWN);
    const { subscriber } = access;
    if (!slot.claim(streamSubject(subscriber))) return this.refuse(socket, 429, this.tooManyOf(subscriber));
    if (socket.destroyed) return;
    this.server.handleUpgrade(request, socket, head, (ws) => this.open(ws, subscriber));
  }

  private open(ws: WebSocket, subscriber: StreamSubscriber): void {
    const connection: StreamConnection = { id: this.deps.ids.newId(), socket: ws, subscriber, heardAt: Date.now() };
    const { connections, logger } = this.deps;
    ws.on('close', () => connections.remove(connection));
    ws.on('error', (error) => logger.debug({ err: error, connection_id: connection.id }, 'stream connection error'));
    ws.on('pong', () => (connection.heardAt = Date.now()));
    ws.on('message', (data, isBinary) => {
      connection.heardAt = Date.now();
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      connections.send(connection, answerTo(bytes, isBinary));
    });
    if (this.deps.lifecycle.shuttingDown) return ws.close(GOING_AWAY, 'server shutting down');
    try {
      connections.add(connection);
      connections.send(connection, connectedFrame(connection.id));
    } catch (error) {
      // Its socket closes, and gives its place back.
      connections.remove(connection);
      ws.terminate();
      logger.error({ err: error, connection_id: connection.id }, 'could not open a stream');
    }
  }

  private tooManyOf(subscriber: StreamSubscriber): string {
    const limit = `${this.deps.settings.maxStreamsPerSubject} (WS_MAX_STREAMS_PER_SUBJECT)`;
    if (subscriber.kind === 'user') return `This user has ${limit} streams open on this instance: close one first`;
    return `This API key has ${limit} streams open on this instance, its tickets' included: close one first`;
  }

  private refuse(socket: Duplex, status: number, detail: string, headers: Readonly<Record<string, string>> = {}): void {
    this.deps.metrics.upgradesRefused.inc({ status: String(status) });
    refuseUpgrade(socket, status, detail, headers);
  }
}
