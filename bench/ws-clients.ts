/**
 * The WebSocket clients of the ws phase, as a process of their own (forked by phases/ws.ts), so
 * that reading 5,000 streams competes for the cores beside the service rather than inside the
 * harness. Each notification frame's latency is its receipt (wall clock, taken as the frame is
 * read) minus its commit: the outcome event's `timestamp` (epoch seconds), read without parsing
 * the whole frame. Nothing is exported: importing this file would start the clients.
 */
import WebSocket from 'ws';
import { percentile, round, wallNow } from './util.js';
import type { WsClientsAnswer, WsClientsCommand, WsClientsRequest, WsReceipts } from './ws-protocol.js';

/** Streams opened at once: a burst of 5,000 handshakes would only measure the accept queue. */
const OPENING_AT_ONCE = 200;
const TIMESTAMP = Buffer.from('"timestamp":');
const EVENT_ID = Buffer.from('"event_id":"');
/** Distinct events kept for the replay: a few bursts' worth. */
const KEPT_AT_MOST = 2_000;

const sockets = new Set<WebSocket>();
const received = new Map<WebSocket, number>();
let latencies: number[] = [];
/** The first copy of each event since `record`, by event id. */
let firsts = new Map<string, string>();

function keepFirst(frame: Buffer): void {
  const at = frame.indexOf(EVENT_ID);
  if (at < 0 || firsts.size >= KEPT_AT_MOST) return;
  const id = frame.subarray(at + EVENT_ID.length, at + EVENT_ID.length + 36).toString('latin1');
  if (!firsts.has(id)) firsts.set(id, frame.toString('utf8'));
}

function commitMs(frame: Buffer): number | null {
  const at = frame.indexOf(TIMESTAMP);
  if (at < 0) return null;
  const seconds = Number.parseFloat(frame.subarray(at + TIMESTAMP.length, at + TIMESTAMP.length + 24).toString('latin1'));
  return Number.isFinite(seconds) ? seconds * 1000 : null;
}

function open(url: string, headers: Readonly<Record<string, string>>, greeted: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    socket.on('message', (data: Buffer) => {
      const commit = commitMs(data);
      if (commit === null) return greeted && resolve();
      latencies.push(wallNow() - commit);
      keepFirst(data);
      received.set(socket, (received.get(socket) ?? 0) + 1);
    });
    socket.once('open', () => {
      sockets.add(socket);
      if (!greeted) resolve();
    });
    socket.once('close', () => sockets.delete(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`refused: ${response.statusCode}`)));
  });
}

async function connect(url: string, headers: Readonly<Record<string, string>>, count: number, greeted: boolean): Promise<WsClientsAnswer & { kind: 'connected' }> {
  const started = wallNow();
  let failures = 0;
  let firstFailure: string | null = null;
  for (let i = 0; i < count; i += OPENING_AT_ONCE) {
    const opening = Array.from({ length: Math.min(OPENING_AT_ONCE, count - i) }, () => open(url, headers, greeted));
    for (const outcome of await Promise.allSettled(opening)) {
      if (outcome.status === 'fulfilled') continue;
      failures += 1;
      firstFailure ??= String(outcome.reason);
    }
  }
  return { kind: 'connected', open: sockets.size, seconds: round((wallNow() - started) / 1000, 2), failures, firstFailure };
}

function stats(): WsReceipts {
  const sorted = [...latencies].sort((a, b) => a - b);
  const best = Math.max(0, ...received.values());
  let behind = 0;
  for (const socket of sockets) if ((received.get(socket) ?? 0) < best) behind += 1;
  return { receipts: sorted.length, open: sockets.size, behind, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? 0) };
}

async function closeAll(): Promise<void> {
  const closing = [...sockets].map((socket) => new Promise((resolve) => (socket.once('close', resolve), socket.close())));
  await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, 5_000))]);
  for (const socket of sockets) socket.terminate();
  sockets.clear();
  received.clear();
  latencies = [];
}

async function answer(request: WsClientsCommand): Promise<WsClientsAnswer> {
  switch (request.cmd) {
    case 'connect':
      return connect(request.url, request.headers, request.count, request.greeted);
    case 'record':
      latencies = [];
      firsts = new Map();
      received.clear();
      return { kind: 'ok' };
    case 'frames':
      return { kind: 'frames', frames: [...firsts.values()] };
    case 'stats':
      return { kind: 'stats', stats: stats() };
    case 'close':
      await closeAll();
      return { kind: 'ok' };
  }
}

process.on('message', (request: WsClientsRequest) => void answer(request).then((reply) => process.send?.({ ...reply, id: request.id })));
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
