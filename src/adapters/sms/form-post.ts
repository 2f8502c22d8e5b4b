import http from 'node:http';
import https from 'node:https';
import { Exchange, type ExchangeTerms } from './form-exchange.js';
import type { HttpAnswer } from './http-answer.js';
import type { HttpFailure } from './http-failure.js';

export interface FormPost extends ExchangeTerms {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly agent: http.Agent;
}

/**
 * POSTs a form and settles with the answer, or with the phase it failed in; never rejects. It
 * takes at most connectTimeoutMs + responseTimeoutMs: a request still queued for a pooled socket
 * when the first runs out fails in phase `queued`, nothing sent, instead of waiting unbounded.
 */
export function postForm(post: FormPost): Promise<HttpAnswer | HttpFailure> {
  const request = (post.url.protocol === 'https:' ? https : http).request(requestOptions(post));
  return new Promise((resolve) => new Exchange(request, post, resolve).start());
}

function requestOptions(post: FormPost): https.RequestOptions {
  // Host, port and path only: credentials in the base URL would make Node add an Authorization of its own.
  const { protocol, hostname, port, pathname, search } = post.url;
  const headers = { ...post.headers, 'content-length': String(Buffer.byteLength(post.form)) };
  return { protocol, hostname: hostname.replace(/^\[|\]$/g, ''), port, path: pathname + search, method: 'POST', headers, agent: post.agent };
}
