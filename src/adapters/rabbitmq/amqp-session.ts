import amqp, { type ChannelModel } from 'amqplib';
import { backoffDelay } from '../../application/backoff.js';
import type { Logger } from '../observability/logger.js';

export type SessionState = 'connecting' | 'connected' | 'blocked' | 'closed';

export interface SessionSettings {
  readonly url: string;
  readonly heartbeatSeconds: number;
  readonly connectionName: string;
  readonly reconnectInitialMs: number;
  readonly reconnectMaxMs: number;
}

/**
 * Runs on every (re)connection: declares topology, opens channels, starts consumers. `lost` is for
 * a channel the broker closed while the connection lives on (a 404, a consumer timeout): the
 * session then recycles the whole connection so that every step runs again.
 */
export type SetupStep = (connection: ChannelModel, lost: (reason: string) => void) => Promise<void>;

/** An error that no reconnection can fix (topology drift): the service must stop. */
export class FatalBrokerError extends Error {}

/**
 * One AMQP connection kept alive: reconnects with full-jitter exponential backoff after the broker
 * or the network goes away, and runs every setup step again on each new connection. A setup step
 * that throws FatalBrokerError stops the session and is reported through `onFatal`.
 */
export class AmqpSession {
  state: SessionState = 'connecting';
  private connection: ChannelModel | null = null;
  private stopping = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastError: string | null = null;

  constructor(
    private readonly settings: SessionSettings,
    private readonly setup: readonly SetupStep[],
    private readonly logger: Logger,
    private readonly onFatal: (error: FatalBrokerError) => void,
  ) {}

  /** Resolves after the first connection attempt, successful or not (retries go on in the background). */
  async start(): Promise<void> {
    await this.connect();
  }

  health(): { state: SessionState; error: string | null } {
    return { state: this.state, error: this.state === 'connected' ? null : this.lastError };
  }

  async close(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const connection = this.connection;
    this.connection = null;
    this.state = 'closed';
    await connection?.close().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopping) return;
    this.state = 'connecting';
    let connection: ChannelModel | null = null;
    try {
      connection = await amqp.connect(this.url(), {
        clientProperties: { connection_name: this.settings.connectionName },
        timeout: 10_000,
      });
      if (this.stopping) return void (await connection.close().catch(() => undefined));
      this.watch(connection);
      const opened = connection;
      const lost = (reason: string) => this.recycle(opened, reason);
      for (const step of this.setup) await step(connection, lost);
      if (this.stopping) return void (await connection.close().catch(() => undefined));
      this.connection = connection;
      this.state = 'connected';
      this.attempt = 0;
      this.logger.info({ connection: this.settings.connectionName }, 'broker connected');
    } catch (error) {
      if (error instanceof FatalBrokerError) {
        this.stopping = true;
        this.state = 'closed';
        await connection?.close().catch(() => undefined);
        this.onFatal(error);
        return;
      }
      this.scheduleReconnect(error);
      await connection?.close().catch(() => undefined);
    }
  }

  /** A channel of the live connection died: close the connection, and reconnect with fresh setup. */
  private recycle(connection: ChannelModel, reason: string): void {
    if (this.stopping || this.connection !== connection) return;
    this.logger.warn({ reason }, 'broker channel lost; reconnecting');
    this.connection = null;
    this.scheduleReconnect(new Error(reason));
    void connection.close().catch(() => undefined);
  }

  /** The URL with the heartbeat interval, unless the URL sets its own. */
  private url(): string {
    const url = new URL(this.settings.url);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(this.settings.heartbeatSeconds));
    return url.toString();
  }

  private watch(connection: ChannelModel): void {
    connection.on('error', (error: Error) => this.logger.warn({ err: error }, 'broker connection error'));
    connection.on('blocked', (reason: string) => {
      this.state = 'blocked';
      this.lastError = `blocked by the broker: ${reason}`;
      this.logger.warn({ reason }, 'broker blocked publishing');
    });
    connection.on('unblocked', () => {
      if (this.state === 'blocked') this.state = 'connected';
      this.logger.info('broker unblocked publishing');
    });
    connection.on('close', (error?: Error) => {
      // Only a connection that completed its setup is this listener's to replace; a failed setup
      // or a recycle has already scheduled the reconnect, with the real reason.
      if (this.connection !== connection) return;
      this.connection = null;
      if (this.stopping) return;
      this.scheduleReconnect(error ?? new Error('connection closed'));
    });
  }

  private scheduleReconnect(error: unknown): void {
    if (this.stopping || this.timer) return;
    this.state = 'connecting';
    this.lastError = error instanceof Error ? error.message : String(error);
    this.attempt += 1;
    const delay = backoffDelay(this.attempt, { initialMs: this.settings.reconnectInitialMs, maxMs: this.settings.reconnectMaxMs });
    this.logger.warn({ err: error, attempt: this.attempt, delay_ms: delay }, 'broker unavailable; reconnecting');
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
  }
}
