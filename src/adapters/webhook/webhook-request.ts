import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { bodyExcerpt } from './response-excerpt.js';
import type { WebhookAnswer } from './webhook-outcome.js';

export interface WebhookPost {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: string;
  /** Waiting for the answer once the request is written, and then for each part of its body. */
  readonly timeoutMs: number;
}

/** What came back: an answer, or none and whether the request had been written by then. */
export type WebhookExchange =
  | { readonly kind: 'answer'; readonly answer: WebhookAnswer }
  | { readonly kind: 'no_answer'; readonly requestSent: boolean; readonly error: unknown };

/**
 * POSTs the payload and never throws. The body goes to undici as a one-chunk stream so that we
 * learn when it was written to the socket: a failure before that (DNS, refused, connect timeout, a
 * refused address, a connection lost first) means the receiver cannot have it; after it, it may.
 * undici never retries a POST, follows no redirect unless asked to, and is not asked to.
 */
export async function postWebhook(http: Dispatcher, post: WebhookPost): Promise<WebhookExchange> {
  const bytes = Buffer.from(post.payload, 'utf8');
  const watch = { requestSent: false };
  const { url, timeoutMs } = post;
  try {
    const response = await http.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: { ...post.headers, 'content-length': String(bytes.length) },
      // undici writes an async iterable chunk by chunk; request()'s types list only Readable.
      body: sent(bytes, watch) as unknown as Readable,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const header = (name: string) => firstOf(response.headers[name]);
    const excerpt = await bodyExcerpt(response.body);
    return { kind: 'answer', answer: { status: response.statusCode, retryAfter: header('retry-after'), location: header('location'), excerpt } };
  } catch (error) {
    return { kind: 'no_answer', requestSent: watch.requestSent, error };
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
