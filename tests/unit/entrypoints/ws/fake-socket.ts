import { Registry } from 'prom-client';
import { StreamMetrics } from '../../../../src/adapters/observability/stream-metrics.js';
import type { StreamSubscriber } from '../../../../src/application/realtime/stream-subscriber.js';
import type { StreamConnection, StreamSocket } from '../../../../src/entrypoints/ws/stream-connections.js';

/** A WebSocket that keeps what it was told; `bufferedAmount` is set by the test (a client not reading). */
export class FakeSocket implements StreamSocket {
  bufferedAmount = 0;
  readonly sent: string[] = [];
  pings = 0;
  closedWith: number | null = null;
  terminated = false;

  send(frame: Buffer | string): void {
    this.sent.push(frame.toString());
  }
  ping(): void {
    this.pings += 1;
  }
  close(code: number): void {
    this.closedWith = code;
  }
  terminate(): void {
    this.terminated = true;
  }
}

let next = 0;
export function connectionOf(subscriber: StreamSubscriber, heardAt = Date.now()): StreamConnection & { socket: FakeSocket } {
  next += 1;
  return { id: `c${next}`, socket: new FakeSocket(), subscriber, heardAt };
}

export const user = (userId: string): StreamSubscriber => ({ kind: 'user', userId });
export const admin = (keyId: string): StreamSubscriber => ({ kind: 'admin', keyId });
export const ADMIN = admin('bootstrap');

export function streamMetrics(): StreamMetrics {
  return new StreamMetrics(new Registry());
}

export async function metricValue(metric: StreamMetrics[keyof StreamMetrics], labels: Record<string, string> = {}): Promise<number> {
  const { values } = await metric.get();
  const matches = (found: Readonly<Record<string, string | number | undefined>>) => Object.entries(labels).every(([k, l]) => found[k] === l);
  return values.filter((v) => matches(v.labels)).reduce((sum, v) => sum + v.value, 0);
}
