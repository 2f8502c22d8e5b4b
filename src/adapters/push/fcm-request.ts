import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { readCappedBody } from './capped-body.js';
import type { FcmAnswer } from './fcm-answer.js';
import { describeNetworkError, networkErrorCode } from './network-error.js';

export interface FcmRequest {
  readonly url: string;
  readonly accessToken: string;
  /** The JSON text of `{message: {...}}`. */
  readonly json: string;
  readonly timeoutMs: number;
  /** Cuts the request wherever it is (queued, connecting, awaiting or reading the answer). */
  readonly signal: AbortSignal;
}

/**
 * POSTs one message and returns what came back, never throwing. The body is handed to undici as a
 * one-chunk stream so that we learn when undici has written it to the socket: a connection lost
 * before that is an outage (FCM cannot have the message), after it the message may have arrived.
 * Once a status came, it decides: the answer's body is read capped (capped-body.ts), and one that
 * broke off is still an answer. undici never retries a POST by itself: a request is sent at most once.
 */
export async function postFcmMessage(http: Dispatcher, req: FcmRequest): Promise<FcmAnswer> {
  const bytes = Buffer.from(req.json, 'utf8');
  const watch = { requestSent: false };
  try {
    const response = await request(req.url, {
      dispatcher: http,
      method: 'POST',
      headers: {
        authorization: `Bearer ${req.accessToken}`,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(bytes.length),
      },
      // undici writes an async iterable chunk by chunk (its dispatcher documents it); request()'s types list only Readable.
      body: watched(bytes, watch) as unknown as Readable,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
      signal: req.signal,
    });
    const retryAfter = response.headers['retry-after'];
    const { text: body, error: bodyError } = await readCappedBody(response.body, req.timeoutMs);
    return { kind: 'response', status: response.statusCode, body, retryAfter: typeof retryAfter === 'string' ? retryAfter : null, ...(bodyError ? { bodyError } : {}) };
  } catch (error) {
    return { kind: 'no_response', requestSent: watch.requestSent, code: networkErrorCode(error), error: describeNetworkError(error) };
  }
}

/** undici asks for the next chunk only once it has written the one before. */
async function* watched(bytes: Buffer, watch: { requestSent: boolean }): AsyncGenerator<Buffer> {
  yield bytes;
  watch.requestSent = true;
}
