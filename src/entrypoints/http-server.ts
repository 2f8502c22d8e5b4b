import { once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createHttpApp } from './http/app.js';
import type { HttpDeps } from './http/http-deps.js';

/**
 * Requests Node's parser refuses before express sees them (oversized headers or URL, CR/LF inside
 * a header value, broken framing) still get a problem+json answer rather than a bare status line.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, title] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request header fields too large'] : [400, 'Bad request'];
  const body = JSON.stringify({ type: 'about:blank', title, status, detail: 'The request could not be parsed as HTTP/1.1' });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** What takes the server's upgrade requests (the WebSocket stream), and closes its connections on stop. */
export interface UpgradeHandler {
  readonly upgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  close(): Promise<void>;
}

/** The HTTP side of the service: listens on start, drains on stop. */
export class HttpServer {
  private server: Server | null = null;

  constructor(
    private readonly deps: HttpDeps,
    private readonly listen: { readonly port: number; readonly host: string },
    private readonly upgrades: UpgradeHandler | null = null,
  ) {}

  async start(): Promise<AddressInfo> {
    const server = createHttpApp(this.deps).listen(this.listen.port, this.listen.host);
    server.on('clientError', answerClientError);
    if (this.upgrades) server.on('upgrade', this.upgrades.upgrade);
    this.server = server;
    await once(server, 'listening');
    return server.address() as AddressInfo;
  }

  /**
   * Call once readiness turns 503 (the lifecycle says shutting down); after `drainDelayMs` (time for load balancers to notice) the
   * upgraded connections are closed (streams: 1001, going away), then the listener closes and
   * in-flight requests finish. Past `timeoutMs` the remaining connections are cut.
   */
  async stop(drainDelayMs: number, timeoutMs: number): Promise<'drained' | 'cut'> {
    const server = this.server;
    if (!server) return 'drained';
    await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
    await this.upgrades?.close();
    const closed = new Promise<'drained'>((resolve) => server.close(() => resolve('drained')));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<'cut'>((resolve) => {
      timer = setTimeout(() => {
        server.closeAllConnections();
        resolve('cut');
      }, timeoutMs);
    });
    const outcome = await Promise.race([closed, cut]);
    clearTimeout(timer);
    return outcome;
  }
}
