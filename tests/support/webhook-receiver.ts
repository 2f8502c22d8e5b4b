import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { FakeRecords } from './fake-records.js';

/**
 * What the receiver does with one verified request. Entries queued with `respondWith` are consumed
 * one per request, in order; when the queue is empty a request is answered 200.
 * - status: answer it (410, 500, 429 with a Retry-After header, 301 with a Location, ...).
 * - delayMs: wait that long, then answer `status` (default 200): a slow receiver.
 * - dropAfterReceive: read the whole body, then destroy the socket without answering.
 */
export type ReceiverBehaviour =
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string }
  | { readonly delayMs: number; readonly status?: number }
  | { readonly dropAfterReceive: true };

export interface ReceivedWebhook {
  /** The webhook-id header. */
  readonly id: string;
  /** The request's path and query, as the URL the sender was given has them. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body parsed as JSON (null when it is not JSON). */
  readonly body: unknown;
  readonly raw: string;
  /** The signature verified with one of the receiver's secrets (standardwebhooks' own verify). */
  readonly verified: boolean;
  /** What it answered; null when it dropped the connection or had not answered yet. */
  status: number | null;
}

/**
 * An HTTP webhook receiver on 127.0.0.1 (any free port) that checks every request as a real one
 * would, with the reference library, and records them all, duplicates included (counting resends
 * is the point). An unverified request is answered 401. `GET /_fake/received` lists what it
 * accepted (answered 2xx).
 */
export class WebhookReceiver {
  readonly requests: ReceivedWebhook[] = [];
  /** How much of `requests` is kept, and who hears of each request answered 2xx. */
  readonly records = new FakeRecords<ReceivedWebhook>();
  private queue: ReceiverBehaviour[] = [];
  private listeningPort = 0;
  private fault: { readonly status: number; readonly headers?: Readonly<Record<string, string>> } | null = null;

  private constructor(
    private readonly server: Server,
    private readonly secrets: readonly string[],
  ) {}

  /** Listens with these secrets (`whsec_...`); any one of them verifies a request. */
  static async start(secrets: readonly string[], port = 0): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server, secrets);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void receiver.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    receiver.listeningPort = (server.address() as AddressInfo).port;
    return receiver;
  }

  /** The port it listens on (still known after closeListener). */
  get port(): number {
    return this.listeningPort;
  }

  url(path = '/hooks/notifications'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The requests it answered 2xx. */
  get accepted(): ReceivedWebhook[] {
    return this.requests.filter((r) => r.status !== null && r.status >= 200 && r.status < 300);
  }

  respondWith(behaviours: readonly ReceiverBehaviour[]): void {
    this.queue.push(...behaviours);
  }

  /** An incident: every verified request is answered `status` until set back to null. */
  setFault(fault: { readonly status: number; readonly headers?: Readonly<Record<string, string>> } | null): void {
    this.fault = fault;
  }

  /** Stops listening and cuts open connections: later connections are refused. */
  async closeListener(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.closeListener();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readAll(req);
    if (req.method === 'GET' && req.url === '/_fake/received') return answer(res, 200, {}, JSON.stringify(this.accepted));
    const headers = headersOf(req);
    const received: ReceivedWebhook = { id: headers['webhook-id'] ?? '', path: req.url ?? '', headers, body: parsed(raw), raw, verified: this.verifies(raw, headers), status: null };
    this.records.keep(this.requests, received);
    const behaviour: ReceiverBehaviour = !received.verified ? { status: 401 } : (this.fault ?? this.queue.shift() ?? { status: 200 });
    if ('dropAfterReceive' in behaviour) return void req.socket.destroy();
    if ('delayMs' in behaviour) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    received.status = behaviour.status ?? 200;
    const extra = 'headers' in behaviour ? (behaviour.headers ?? {}) : {};
    answer(res, received.status, extra, 'body' in behaviour ? (behaviour.body ?? '') : '');
    if (received.status >= 200 && received.status < 300) this.records.tell(received);
  }

  private verifies(raw: string, headers: Record<string, string>): boolean {
    return this.secrets.some((secret) => {
      try {
        new Webhook(secret).verify(raw, headers);
        return true;
      } catch {
        return false;
      }
    });
  }
}

function answer(res: ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
  return headers;
}

function parsed(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}
