import { once } from 'node:events';
import WebSocket from 'ws';
import { eventually } from './databases.js';

export type Frame = Record<string, unknown>;

/** An upgrade the server refused: its HTTP status and problem+json body. */
export class RefusedUpgrade extends Error {
  constructor(
    readonly status: number,
    readonly body: Frame,
  ) {
    super(`upgrade refused with ${status}: ${JSON.stringify(body)}`);
  }
}

/** A `ws` client of the service's stream that keeps every frame it received, parsed, in order. */
export class StreamClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as Frame));
    this.closed = once(socket, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
  }

  /** Opens `/ws` (with `query` and headers); rejects with RefusedUpgrade when the server answers with a status. */
  static connect(baseUrl: string, query: Record<string, string> = {}, headers: Record<string, string> = {}, path = '/ws'): Promise<StreamClient> {
    const url = new URL(path, baseUrl.replace(/^http/, 'ws'));
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const socket = new WebSocket(url, { headers });
    const client = new StreamClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => reject(new RefusedUpgrade(response.statusCode ?? 0, text ? (JSON.parse(text) as Frame) : {})));
      });
    });
  }

  /** The first frame (from the start) that `matches`, waiting for it at most `timeoutMs`. */
  next(matches: (frame: Frame) => boolean, timeoutMs = 10_000, what = 'a frame'): Promise<Frame> {
    return eventually(async () => this.frames.find(matches), timeoutMs, what);
  }

  ofType(type: string): Frame[] {
    return this.frames.filter((f) => f.type === type);
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  close(): void {
    this.socket.close();
  }
}
