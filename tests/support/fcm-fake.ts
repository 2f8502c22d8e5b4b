import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fcmErrorBody, SENDER_ID_MISMATCH, shapeRefusal, UNAUTHENTICATED, UNREGISTERED } from './fcm-fake-answers.js';
import { FakeOAuth } from './fcm-fake-oauth.js';
import { FakeRecords } from './fake-records.js';
import { throwawayServiceAccount, type ThrowawayServiceAccount } from './service-account-fixture.js';

/**
 * What the fake does with one request instead of answering normally:
 * - status (with an FCM errorCode, a message, a Retry-After in seconds): answer that error, shaped
 *   like FCM's (the token endpoint: Google's `{error, error_description}`);
 * - delayMs: wait, then answer normally (a slow provider);
 * - dropAfterReceive: read the whole request, then destroy the socket without answering.
 */
export type FcmBehaviour =
  | { readonly status: number; readonly errorCode?: string; readonly message?: string; readonly retryAfterS?: number }
  | { readonly delayMs: number }
  | { readonly dropAfterReceive: true };

export type FcmEndpoint = 'token' | 'send';
/** A provider-side incident: every request to the endpoints in `at` (default: messages:send only) gets the behaviour. */
export type FcmFault = FcmBehaviour & { readonly at?: readonly FcmEndpoint[] };

export interface RecordedRequest {
  readonly endpoint: FcmEndpoint | 'other';
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface AcceptedPush {
  readonly name: string;
  readonly token: string;
  readonly notification?: { readonly title?: string; readonly body?: string };
  readonly data?: Readonly<Record<string, string>>;
}

export interface FcmFakeOptions {
  readonly port?: number;
  readonly projectId?: string;
  /** The issued access tokens' `expires_in` (Google's: 3599). */
  readonly tokenLifetimeS?: number;
}

const SEND_PATH = /^\/v1\/projects\/([^/]+)\/messages:send$/;

/**
 * FCM HTTP v1 and Google's token endpoint in one HTTP server on 127.0.0.1, with a throwaway
 * service account whose token_uri points at it. It checks the wire format (the JWT, the Bearer
 * token, the message's exact shape), records every request, and lets tests mark device tokens
 * dead and inject faults. `GET /_fake/received` lists the accepted messages.
 */
export class FcmFake {
  readonly requests: RecordedRequest[] = [];
  readonly accepted: AcceptedPush[] = [];
  /** How much of `requests` and `accepted` is kept, and who hears of each accepted message. */
  readonly records = new FakeRecords<AcceptedPush>();
  /** Requests read in full and then cut off without an answer (`dropAfterReceive`): FCM may have acted on them. */
  readonly dropped: RecordedRequest[] = [];
  readonly serviceAccount: ThrowawayServiceAccount;
  private readonly unregistered = new Set<string>();
  private readonly mismatched = new Set<string>();
  private readonly sockets = new Set<Socket>();
  private readonly oauth: FakeOAuth;
  private queue: FcmBehaviour[] = [];
  private fault: FcmFault | null = null;
  private sequence = 0;

  private constructor(
    private readonly server: http.Server,
    private readonly port: number,
    options: FcmFakeOptions,
  ) {
    this.serviceAccount = throwawayServiceAccount({ tokenUri: this.tokenUri, ...(options.projectId ? { projectId: options.projectId } : {}) });
    const { client_email: clientEmail } = this.serviceAccount.json;
    this.oauth = new FakeOAuth({ clientEmail, tokenUri: this.tokenUri, publicKeyPem: this.serviceAccount.publicKeyPem }, options.tokenLifetimeS ?? 3_599);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: FcmFakeOptions = {}): Promise<FcmFake> {
    const server = http.createServer();
    await listen(server, options.port ?? 0);
    return new FcmFake(server, (server.address() as AddressInfo).port, options);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get tokenUri(): string {
    return `${this.baseUrl}/token`;
  }

  get projectId(): string {
    return this.serviceAccount.json.project_id;
  }

  /** Requests to the token endpoint so far. */
  get tokenRequests(): number {
    return this.requests.filter((r) => r.endpoint === 'token').length;
  }

  /** Requests to messages:send so far, whatever the answer. */
  get sendRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.endpoint === 'send');
  }

  /** Queues behaviours, each consumed by one messages:send request, in order; later ones are answered normally. */
  respondWith(...behaviours: FcmBehaviour[]): void {
    this.queue.push(...behaviours);
  }

  /** Switches a provider-side incident on, or off with null. */
  setFault(fault: FcmFault | null): void {
    this.fault = fault;
  }

  /** FCM answers 404 UNREGISTERED for these tokens (the app was uninstalled). */
  markUnregistered(...tokens: string[]): void {
    for (const token of tokens) this.unregistered.add(token);
  }

  /** FCM answers 403 SENDER_ID_MISMATCH for these tokens (registered for another project). */
  markSenderMismatch(...tokens: string[]): void {
    for (const token of tokens) this.mismatched.add(token);
  }

  /** Access tokens issued so far are refused with 401 from now on. */
  revokeAccessTokens(): void {
    this.oauth.revokeAll();
  }

  /** Stops listening and drops open connections: later connections are refused until listenAgain. */
  async stopListening(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async listenAgain(): Promise<void> {
    await listen(this.server, this.port);
  }

  /** Forgets requests, accepted messages, token states, queued behaviours and the fault (issued access tokens stay valid). */
  reset(): void {
    this.requests.length = 0;
    this.accepted.length = 0;
    this.dropped.length = 0;
    this.unregistered.clear();
    this.mismatched.clear();
    this.queue = [];
    this.fault = null;
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.stopListening();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const endpoint = req.method === 'POST' && path === '/token' ? 'token' : req.method === 'POST' && SEND_PATH.test(path) ? 'send' : 'other';
    if (req.method === 'GET' && path === '/_fake/received') return answer(res, 200, JSON.stringify(this.accepted));
    const request: RecordedRequest = { endpoint, method: req.method ?? '', path, headers: req.headers, body };
    this.records.keep(this.requests, request);
    if (endpoint === 'other') return answer(res, 404, fcmErrorBody(404, { message: 'Not Found' }));
    const behaviour = this.behaviourFor(endpoint);
    if (behaviour && 'dropAfterReceive' in behaviour) {
      this.dropped.push(request);
      return void req.socket.destroy();
    }
    if (behaviour && 'delayMs' in behaviour) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    if (behaviour && 'status' in behaviour) return injected(res, endpoint, behaviour);
    return endpoint === 'token' ? this.token(req, body, res) : this.send(req, path, body, res);
  }

  private behaviourFor(endpoint: FcmEndpoint): FcmBehaviour | undefined {
    if (this.fault && (this.fault.at ?? ['send']).includes(endpoint)) return this.fault;
    return endpoint === 'send' ? this.queue.shift() : undefined;
  }

  private async token(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return answer(res, 400, JSON.stringify({ error: 'invalid_request', error_description: 'form-encoded body expected' }));
    }
    const { status, body: json } = await this.oauth.exchange(new URLSearchParams(body));
    answer(res, status, JSON.stringify(json));
  }

  private send(req: IncomingMessage, path: string, body: string, res: ServerResponse): void {
    const project = SEND_PATH.exec(path)?.[1];
    if (project !== this.projectId) {
      return answer(res, 403, fcmErrorBody(403, { message: `Permission 'cloudmessaging.messages.create' denied on resource 'projects/${project}'` }));
    }
    if (!this.oauth.authorises(req.headers.authorization)) return answer(res, 401, UNAUTHENTICATED);
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return answer(res, 400, fcmErrorBody(400, { message: 'Invalid JSON payload received.' }));
    const parsed = parseJson(body);
    const refusal = shapeRefusal(parsed);
    if (refusal) return answer(res, 400, fcmErrorBody(400, { message: refusal.message, ...(refusal.field ? { field: refusal.field } : {}) }));
    const message = (parsed as { message: Omit<AcceptedPush, 'name'> }).message;
    if (this.unregistered.has(message.token)) return answer(res, 404, UNREGISTERED);
    if (this.mismatched.has(message.token)) return answer(res, 403, SENDER_ID_MISMATCH);
    this.sequence += 1;
    const name = `projects/${project}/messages/0:${Date.now()}${String(this.sequence).padStart(6, '0')}`;
    this.records.accept(this.accepted, { name, ...message });
    answer(res, 200, JSON.stringify({ name }));
  }
}

function injected(res: ServerResponse, endpoint: FcmEndpoint, behaviour: Extract<FcmBehaviour, { status: number }>): void {
  const headers: Record<string, string> = behaviour.retryAfterS === undefined ? {} : { 'retry-after': String(behaviour.retryAfterS) };
  const message = behaviour.message ?? `fault ${behaviour.status}`;
  const body =
    endpoint === 'token'
      ? JSON.stringify({ error: behaviour.status >= 500 ? 'internal_failure' : 'invalid_grant', error_description: message })
      : fcmErrorBody(behaviour.status, { message, ...(behaviour.errorCode ? { errorCode: behaviour.errorCode } : {}) });
  answer(res, behaviour.status, body, headers);
}

function answer(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
