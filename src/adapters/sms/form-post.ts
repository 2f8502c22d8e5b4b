import http from 'node:http';
import https from 'node:https';
import { readAnswer, type HttpAnswer } from './http-answer.js';

/**
 * How far a request got before it failed: `connect` (no connection: refused, DNS, connect
 * timeout), `send` (connected, the request not yet fully written: TLS, a drop), `await` (the whole
 * request was written and no answer came: the provider may have acted on it).
 */
export type HttpPhase = 'connect' | 'send' | 'await';

export interface HttpFailure {
  readonly kind: 'failure';
  readonly phase: HttpPhase;
  readonly code: string;
  readonly message: string;
}

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
  return new Promise((resolve) => {
    let phase: HttpPhase = 'connect';
    let answered = false;
    let timer: NodeJS.Timeout | undefined;
    const request = (post.url.protocol === 'https:' ? https : http).request(requestOptions(post));
    // Once the answer started, its reader settles (a cut-off body is still an answer with a status).
    const fail = (code: string, message: string): void => {
      if (!answered) resolve({ kind: 'failure', phase, code, message });
      request.destroy();
    };
    const arm = (next: HttpPhase, ms: number): void => {
      phase = next;
      clearTimeout(timer);
      timer = setTimeout(() => fail('ETIMEDOUT', `${next}: no progress within ${ms} ms`), ms);
    };
    request.on('socket', (socket) => {
      if (!socket.connecting) return arm('send', post.responseTimeoutMs);
      arm('connect', post.connectTimeoutMs);
      socket.once('connect', () => arm('send', post.responseTimeoutMs));
    });
    request.on('finish', () => arm('await', post.responseTimeoutMs));
    request.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ERROR', error.message));
    request.on('response', (response) => {
      answered = true;
      void readAnswer(response).then((answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
    });
    request.end(post.form);
  });
}

function requestOptions(post: FormPost): https.RequestOptions {
  // Host, port and path only: credentials in the base URL would make Node add an Authorization of its own.
  const { protocol, hostname, port, pathname, search } = post.url;
  const headers = { ...post.headers, 'content-length': String(Buffer.byteLength(post.form)) };
  return { protocol, hostname: hostname.replace(/^\[|\]$/g, ''), port, path: pathname + search, method: 'POST', headers, agent: post.agent };
}
