import type http from 'node:http';
import type { Socket } from 'node:net';
import { readAnswer, type HttpAnswer } from './http-answer.js';
import type { HttpFailure, HttpPhase } from './http-failure.js';

/** What one exchange sends and how long each of its two parts may take. */
export interface ExchangeTerms {
  readonly form: string;
  /** From asking the pool for a socket to being connected: the wait for a free one included. */
  readonly connectTimeoutMs: number;
  /** From being connected to the whole answer read: writing the request and awaiting the answer, together. */
  readonly responseTimeoutMs: number;
}

/** One request's progress through the phases, under two timers: until connected, then until answered. */
export class Exchange {
  private phase: HttpPhase = 'queued';
  private answered = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly request: http.ClientRequest,
    private readonly post: ExchangeTerms,
    private readonly resolve: (result: HttpAnswer | HttpFailure) => void,
  ) {}

  start(): void {
    const { request } = this;
    this.arm(this.post.connectTimeoutMs);
    request.on('socket', (socket) => this.onSocket(socket));
    request.on('finish', () => (this.phase = 'await'));
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
      this.phase = 'connect';
      socket.once('connect', () => this.connected());
      return this.send();
    }
    this.connected();
    // A kept-alive connection the server closed a moment ago stays in the pool until its FIN is
    // read. Writing after an I/O poll (the second immediate runs after the next poll, one alone
    // may not) makes such a close fail the request before a byte went out (provider_down) instead
    // of after (ambiguous, an attempt used); the listener test in twilio-sms-outcomes shows it.
    setImmediate(() => setImmediate(() => this.send()));
  }

  private connected(): void {
    this.phase = 'send';
    this.arm(this.post.responseTimeoutMs);
  }

  private send(): void {
    if (!this.request.destroyed) this.request.end(this.post.form);
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fail('ETIMEDOUT', `${this.phase}: no progress within ${ms} ms`), ms);
  }

  /** Once the answer started, its reader settles: a cut-off body is still an answer with a status. */
  private fail(code: string, message: string): void {
    if (!this.answered) this.resolve({ kind: 'failure', phase: this.phase, code, message });
    clearTimeout(this.timer);
    this.request.destroy();
  }
}
