import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendStatusCallback, type StatusCallback, type StatusCallbackResult } from './twilio-status-callback.js';
import { FakeRecords } from './fake-records.js';
import { acceptedSms, answer, json, readBody, type AcceptedSms, type TwilioAnswer } from './twilio-fake-http.js';
import { formFields, messageJson, newMessageSid, wireError } from './twilio-wire.js';

export type { AcceptedSms, TwilioAnswer } from './twilio-fake-http.js';

/**
 * What the fake does with one request, queued with `respondWith` and consumed one per request once
 * its body was read: answer as told; wait `delayMs`, then go on as usual; or drop the connection
 * without a word (`dropAfterReceive`: Twilio may have acted on it).
 */
export type TwilioBehaviour = TwilioAnswer | { readonly delayMs: number } | { readonly dropAfterReceive: true };

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly fields: Readonly<Record<string, string>>;
  readonly raw: string;
}

export const FAKE_ACCOUNT = { sid: `AC${'0123456789abcdef'.repeat(2)}`, token: 'fake-auth-token-0123456789abcdef' };

/**
 * Twilio's Messages API on 127.0.0.1, checking the wire format as Twilio does (twilio-wire.ts),
 * recording every request and every message it accepted, with faults to switch on. `GET
 * /_fake/received` lists the accepted messages, for a person running the service against it.
 */
export class TwilioFake {
  readonly requests: ReceivedRequest[] = [];
  readonly accepted: AcceptedSms[] = [];
  /** How much of `requests` and `accepted` is kept, and who hears of each accepted message. */
  readonly records = new FakeRecords<AcceptedSms>();
  /** Requests read in full and then cut off without an answer (`dropAfterReceive`): Twilio may have acted on them. */
  readonly dropped: ReceivedRequest[] = [];
  connections = 0;
  private queue: TwilioBehaviour[] = [];
  private fault: TwilioAnswer | null = null;
  private readonly server: Server;
  private port = 0;

  private constructor(readonly account: { readonly sid: string; readonly token: string }) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', () => (this.connections += 1));
  }

  static async start(account = FAKE_ACCOUNT, port = 0): Promise<TwilioFake> {
    const fake = new TwilioFake(account);
    await fake.listen(port);
    return fake;
  }

  get listening(): boolean {
    return this.server.listening;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  respondWith(behaviours: readonly TwilioBehaviour[]): void {
    this.queue.push(...behaviours);
  }

  /** Every request is answered `answer` (an outage) until switched off with null. */
  setFault(answer: TwilioAnswer | null): void {
    this.fault = answer;
  }

  /** Stops listening and drops every open connection: the provider is unreachable. */
  async refuse(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port after `refuse`. */
  async restore(): Promise<void> {
    await this.listen(this.port);
  }

  /** Posts a status callback for a sent message, signed with the account's auth token as Twilio signs it. */
  statusCallback(url: string, callback: StatusCallback): Promise<StatusCallbackResult> {
    const message = this.accepted.find((m) => m.sid === callback.messageSid);
    return sendStatusCallback(url, { accountSid: this.account.sid, to: message?.to, from: message?.from ?? undefined, ...callback }, this.account.token);
  }

  async waitFor(count: number, timeoutMs = 5_000): Promise<AcceptedSms[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.accepted.length < count) {
      if (Date.now() > deadline) throw new Error(`twilio fake: expected ${count} messages, got ${this.accepted.length} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return [...this.accepted];
  }

  reset(): void {
    this.requests.length = 0;
    this.accepted.length = 0;
    this.dropped.length = 0;
    this.connections = 0;
    this.queue = [];
    this.fault = null;
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.refuse();
  }

  private async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method === 'GET' && path === '/_fake/received') return json(res, 200, JSON.stringify({ messages: this.accepted }));
    const fields = formFields(req.headers, raw);
    const request = { method: req.method ?? '', path, headers: req.headers, fields: Object.fromEntries(fields), raw };
    this.records.keep(this.requests, request);
    const behaviour = this.fault ?? this.queue.shift();
    if (behaviour && 'dropAfterReceive' in behaviour) {
      this.dropped.push(request);
      return void req.socket.destroy();
    }
    if (behaviour && 'delayMs' in behaviour) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    if (behaviour && 'status' in behaviour) return answer(res, behaviour);
    const refused = req.method === 'POST' ? wireError(this.account, path, req.headers, fields) : { status: 405, code: 20004, message: 'Method not allowed' };
    if (refused) return answer(res, refused);
    const sid = newMessageSid();
    const created = messageJson(this.account.sid, sid, fields);
    this.records.accept(this.accepted, acceptedSms(sid, fields, Number(created.num_segments)));
    json(res, 201, JSON.stringify(created));
  }
}
