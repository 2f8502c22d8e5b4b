import { LogThrottle } from '../../adapters/observability/log-throttle.js';
import type { Logger } from '../../adapters/observability/logger.js';
import type { StreamConnection, StreamConnections } from './stream-connections.js';

const POLICY_VIOLATION = 1008;

export interface RevokedKeySweepDeps {
  readonly connections: StreamConnections;
  /** Of these key ids, those still live: one query for all of them. */
  readonly liveKeyIds: (ids: readonly string[]) => Promise<ReadonlySet<string>>;
  readonly everyMs: number;
  /** Counts each stream closed because its key was revoked. */
  readonly closed: () => void;
  readonly logger: Logger;
}

/**
 * An admin stream lives as long as the API key that opened it: every `everyMs` (the idle
 * timeout) the open admin streams' keys are looked up, once for all, and the streams of a revoked
 * key are closed with 1008 (policy violation). They stop receiving at once; their sockets close
 * with the close handshake. A lookup that fails leaves the streams open until the next round.
 */
export class RevokedKeySweep {
  private timer: NodeJS.Timeout | null = null;
  private readonly failures = new LogThrottle();

  constructor(private readonly deps: RevokedKeySweepDeps) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweep(), this.deps.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async sweep(): Promise<void> {
    const admins = [...this.deps.connections.list()].filter((c) => c.subscriber.kind === 'admin');
    const keyOf = (c: StreamConnection) => (c.subscriber.kind === 'admin' ? c.subscriber.keyId : '');
    if (admins.length === 0) return;
    let live: ReadonlySet<string>;
    try {
      live = await this.deps.liveKeyIds([...new Set(admins.map(keyOf))]);
    } catch (error) {
      const held = this.failures.pass();
      if (held !== null) this.deps.logger.warn({ err: error, held_back: held }, 'could not check the API keys of the admin streams; checked again next round');
      return;
    }
    for (const connection of admins) {
      if (live.has(keyOf(connection))) continue;
      this.deps.connections.remove(connection);
      connection.socket.close(POLICY_VIOLATION, 'the API key was revoked');
      this.deps.closed();
    }
  }
}
