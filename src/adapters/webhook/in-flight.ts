/**
 * Sends in flight per key (an endpoint, an origin), each key capped at `limit`. A key is
 * forgotten when its last send ends, so the map holds only keys with a send in flight: it is
 * bounded by the sends in flight, however many endpoints there are.
 */
export class InFlight {
  private readonly counts = new Map<string, number>();

  constructor(readonly limit: number) {}

  isFull(key: string): boolean {
    return (this.counts.get(key) ?? 0) >= this.limit;
  }

  /** Runs `send` counted under `key`; the caller has checked isFull first. */
  async around<T>(key: string, send: () => Promise<T>): Promise<T> {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    try {
      return await send();
    } finally {
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left === 0) this.counts.delete(key);
      else this.counts.set(key, left);
    }
  }
}
