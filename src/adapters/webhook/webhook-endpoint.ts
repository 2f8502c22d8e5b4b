import { createHash } from 'node:crypto';

/*
 * A webhook endpoint is its URL without the query: scheme, host, port and path. Receivers that
 * host many customers on one host (Zapier, Slack, relays) tell them apart by path, so a breaker
 * keyed by the origin alone would let one customer's failing path stop every other customer's.
 * The query is left out: it rarely names a receiver, and a changing one (a nonce) would make
 * every send an endpoint of its own, which no breaker could ever count.
 */

/** `scheme://host:port/path` with the scheme's default port spelled out; null when not an http(s) URL. */
export function endpointOf(recipient: string): string | null {
  const url = URL.canParse(recipient) ? new URL(recipient) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
  return `${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}${url.pathname}`;
}

/**
 * What a log line may show of an endpoint: its origin and the first 12 hex digits of the path's
 * SHA-256. Paths often carry a capability token (hooks.slack.com/services/...); an operator matches
 * the digest against a URL with `printf %s /path | sha256sum`.
 */
export function shownEndpoint(endpoint: string): string {
  const { pathname } = new URL(endpoint);
  const digest = createHash('sha256').update(pathname).digest('hex').slice(0, 12);
  return `${endpoint.slice(0, endpoint.length - pathname.length)} #${digest}`;
}
