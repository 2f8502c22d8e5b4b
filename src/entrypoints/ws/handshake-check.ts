import type { IncomingMessage } from 'node:http';

/** What `ws` accepts as a key: the base64 of 16 bytes. */
const KEY = /^[+/0-9A-Za-z]{22}==$/;

export interface HandshakeProblem {
  readonly status: 400 | 405;
  readonly detail: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Why an upgrade request is not a WebSocket handshake `ws` would complete (the same checks, in
 * its order), or null. Checked before the credentials, so that a request that could never open a
 * stream (a POST, no Sec-WebSocket-Key) does not burn a single-use ticket or cost a query.
 */
export function handshakeProblem(request: IncomingMessage): HandshakeProblem | null {
  const { headers } = request;
  if (request.method !== 'GET') return { status: 405, detail: 'A WebSocket handshake is a GET request', headers: { Allow: 'GET' } };
  if (headers.upgrade?.toLowerCase() !== 'websocket') return { status: 400, detail: 'The Upgrade header must be websocket', headers: {} };
  const key = headers['sec-websocket-key'];
  if (key === undefined || !KEY.test(key)) return { status: 400, detail: 'Missing or invalid Sec-WebSocket-Key header', headers: {} };
  const version = Number(headers['sec-websocket-version']);
  if (version !== 13 && version !== 8) return { status: 400, detail: 'Missing or invalid Sec-WebSocket-Version header: 13 is supported', headers: { 'Sec-WebSocket-Version': '13, 8' } };
  return null;
}
