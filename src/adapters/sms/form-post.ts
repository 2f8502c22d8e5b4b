import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { readAnswer, type HttpAnswer } from './http-answer.js';
import type { HttpFailure, HttpPhase } from './http-failure.js';

export interface FormPost {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly form: string;
  readonly agent: http.Agent;
  /** From getting a socket of the pool to being connected; time queued for a socket is not counted. */
  readonly connectTimeoutMs: number;
  /** Each of: writing the request, then receiving the whole answer. */
  readonly responseTimeoutMs: number;
}

/** POSTs a form and settles with the answer, or with the phase it failed in; never rejects. */
export function postForm(post: FormPost): Promise<HttpAnswer | HttpFailure> {
  return new Promise((resolve) => new Exchange(post, resolve).start());
}

/** One request's progress through the phases, each bounded by its own timer. */
class Exchange {
  private phase: HttpPhase = 'connect';
  private answered = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly request: http.ClientRequest;

  constructor(
    private readonly post: FormPost,
    private readonly resolve: (result: HttpAnswer | HttpFailure) => void,
  ) {
    this.request = (post.url.protocol === 'https:' ? https : http).request(requestOptions(post));
  }

  start(): void {
    const { request, post } = this;
    request.on('socket', (socket) => this.onSocket(socket));
    request.on('finish', () => this.arm('await', post.responseTimeoutMs));
    request.on('error', (error: NodeJS.ErrnoException) => this.fail(error.code ?? 'ERROR', error.message));
    request.on('response', (response) => {
      this.answered = true;
      void readAnswer(response).then((answer) => {
        clearTimeout(this.timer);
        this.resolve(answer);
      });
    });
  }

  private onSocket(socket: Socket): void {
    if (socket.connecting) {
      this.arm('connect', this.post.connectTimeoutMs);
      socket.once('connect', () => this.arm('send', this.post.responseTimeoutMs));
      return this.send();
    }
    this.arm('send', this.post.responseTimeoutMs);
    // A kept-alive connection the server closed a moment ago stays in the pool until its FIN is
    // read. Writing after an I/O poll (the second immediate runs after the next poll, one alone
    // may not) makes such a close fail the request before a byte went out (provider_down) instead
    // of after (ambiguous, an attempt used); the listener test in twilio-sms-outcomes shows it.
    setImmediate(() => setImmediate(() => this.send()));
  }

  private send(): void {
    if (!this.request.destroyed) this.request.end(this.post.form);
  }

  private arm(next: HttpPhase, ms: number): void {
    this.phase = next;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fail('ETIMEDOUT', `${next}: no progress within ${ms} ms`), ms);
  }

  /** Once the answer started, its reader settles: a cut-off body is still an answer with a status. */
  private fail(code: string, message: string): void {
    if (!this.answered) this.resolve({ kind: 'failure', phase: this.phase, code, message });
    clearTimeout(this.timer);
    this.request.destroy();
  }
}

function requestOptions(post: FormPost): https.RequestOptions {
  // Host, port and path only: credentials in the base URL would make Node add an Authorization of its own.
  const { protocol, hostname, port, pathname, search } = post.url;
  const headers = { ...post.headers, 'content-length': String(Buffer.byteLength(post.form)) };
  return { protocol, hostname: hostname.replace(/^\[|\]$/g, ''), port, path: pathname + search, method: 'POST', headers, agent: post.agent };
}
