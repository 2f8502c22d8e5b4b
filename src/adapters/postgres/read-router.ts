import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import { isUnavailable } from './pool.js';

export type FallbackReason = 'standby_unavailable' | 'standby_lagging';

export interface ReadRoutingMetrics {
  fellBack(reason: FallbackReason): void;
  replicationLag(seconds: number | null): void;
}

export type StandbyState =
  | { readonly state: 'not_configured' }
  | { readonly state: 'down'; readonly error: string }
  | { readonly state: 'up' | 'lagging'; readonly lagSeconds: number };

export interface ReadRouterSettings {
  readonly maxLagSeconds: number;
  /** How long one lag reading is trusted; every read within it reuses the reading. */
  readonly checkIntervalMs: number;
}

/**
 * Sends reads that tolerate staleness to the standby while it answers and its replay lag is within
 * the bound; otherwise to the primary, counting each fallback. Writes never come here.
 */
export class ReadRouter {
  private reading: { at: number; state: Promise<StandbyState> } | null = null;

  constructor(
    private readonly primary: Kysely<Database>,
    private readonly standby: Kysely<Database> | null,
    private readonly settings: ReadRouterSettings,
    private readonly metrics: ReadRoutingMetrics,
  ) {}

  async read<T>(query: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    const standby = this.standby;
    if (!standby) return query(this.primary);
    const { state } = await this.standbyState();
    if (state !== 'up') {
      this.metrics.fellBack(state === 'lagging' ? 'standby_lagging' : 'standby_unavailable');
      return query(this.primary);
    }
    try {
      return await query(standby);
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      this.reading = null;
      this.metrics.fellBack('standby_unavailable');
      return query(this.primary);
    }
  }

  /** A read that must see every write committed before it (read-your-writes): the primary, whatever the standby's state. */
  latest<T>(query: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return query(this.primary);
  }

  /** The cached reading of the standby's health and lag (read fresh when older than the interval). */
  standbyState(): Promise<StandbyState> {
    if (!this.standby) return Promise.resolve({ state: 'not_configured' });
    const now = Date.now();
    if (!this.reading || now - this.reading.at >= this.settings.checkIntervalMs) {
      this.reading = { at: now, state: this.measure(this.standby) };
    }
    return this.reading.state;
  }

  private async measure(standby: Kysely<Database>): Promise<StandbyState> {
    try {
      const lagSeconds = await replayLagSeconds(standby);
      this.metrics.replicationLag(lagSeconds);
      if (lagSeconds === null || lagSeconds > this.settings.maxLagSeconds) {
        return { state: 'lagging', lagSeconds: lagSeconds ?? Number.POSITIVE_INFINITY };
      }
      return { state: 'up', lagSeconds };
    } catch (error) {
      this.metrics.replicationLag(null);
      return { state: 'down', error: error instanceof Error ? error.message : String(error) };
    }
  }
}

/**
 * Seconds of data the standby has not replayed yet: 0 when it has replayed all it received,
 * else the age of the last replayed commit (null when it has replayed none yet). After a restart
 * the receive position restarts at a segment boundary behind the replay position: that is
 * caught up too, hence `<=` rather than `=`.
 */
async function replayLagSeconds(standby: Kysely<Database>): Promise<number | null> {
  const { rows } = await sql<{ lag: string | number | null }>`
    select case
      when not pg_is_in_recovery() then 0
      when pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) <= 0 then 0
      else extract(epoch from now() - pg_last_xact_replay_timestamp())
    end as lag`.execute(standby);
  const lag = rows[0]?.lag;
  return lag === null || lag === undefined ? null : Math.max(0, Number(lag));
}
