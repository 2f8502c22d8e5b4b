import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { bodyExcerpt } from './response-excerpt.js';
import type { WebhookAnswer } from './webhook-outcome.js';

export interface WebhookPost {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: string;
  /** Connecting, and then waiting for the answer once the request is written (each, not together). */
  readonly timeoutMs: number;
}

/** Reading the body once the status has decided: long enough for an excerpt, short enough to let go. */
const EXCERPT_DEADLINE_MS = 2_000;

/** The whole exchange took longer than connecting, the answer and the excerpt may together. */
export class ExchangeDeadline extends Error {
  readonly code = 'EWEBHOOK_DEADLINE';
  constructor(readonly ms: number) {
    super(`the exchange took longer than its deadline of ${ms} ms`);
  }
}

/** What came back: an answer, or none and whether the request had been written by then. */
export type WebhookExchange =
  | { readonly kind: 'answer'; readonly answer: WebhookAnswer }
  | { readonly kind: 'no_answer'; readonly requestSent: boolean; readonly error: unknown };

/**
 * POSTs the payload and never throws. The body goes to undici as a one-chunk stream so that we
 * learn when it was written to the socket: a failure before that (DNS, refused, connect timeout, a
 * refused address, a connection lost first) means the receiver cannot have it; after it, it may.
 * undici never retries a POST, follows no redirect unless asked to, and is not asked to. One
 * deadline bounds the whole exchange, a wait for a pooled connection included (undici has no timer
 * on its queue): a send always settles, and its connection is let go.
 */
export async function postWebhook(http: Dispatcher, post: WebhookPost): Promise<WebhookExchange> {
  const bytes = Buffer.from(post.payload, 'utf8');
  const watch = { requestSent: false };
  const { url, timeoutMs } = post;
  const excerptMs = Math.min(timeoutMs, EXCERPT_DEADLINE_MS);
  const deadlineMs = 2 * timeoutMs + excerptMs;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new ExchangeDeadline(deadlineMs)), deadlineMs);
  try {
    const response = await http.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: { ...post.headers, 'content-length': String(bytes.length) },
      // undici writes an async iterable chunk by chunk; request()'s types list only Readable.
      body: sent(bytes, watch) as unknown as Readable,
      headersTimeout: timeoutMs,
      bodyTimeout: excerptMs,
      signal: deadline.signal,
    });
    const header = (name: string) => firstOf(response.headers[name]);
    const excerpt = await bodyExcerpt(response.body, excerptMs);
    return { kind: 'answer', answer: { status: response.statusCode, retryAfter: header('retry-after'), location: header('location'), excerpt } };
  } catch (error) {
    return { kind: 'no_answer', requestSent: watch.requestSent, error };
  } finally {
    clearTimeout(timer);
  }
}

/** undici asks for the next chunk only once it has written the one before. */
async function* sent(bytes: Buffer, watch: { requestSent: boolean }): AsyncGenerator<Buffer> {
  yield bytes;
  watch.requestSent = true;
}

function firstOf(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
