import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import type { ReadRouter } from './read-router.js';

export interface PostgresHealth {
  readonly status: 'up' | 'degraded' | 'down' | 'not_configured';
  readonly [detail: string]: unknown;
}

/**
 * The primary answers and takes writes: a server in recovery (a standby, or a demoted primary
 * after a failover behind an unchanged DATABASE_URL) answers `select 1` but refuses every write.
 */
export async function primaryHealth(primary: Kysely<Database>): Promise<PostgresHealth> {
  const started = performance.now();
  try {
    const { rows } = await sql<{ read_only: boolean }>`select pg_is_in_recovery() as read_only`.execute(primary);
    if (rows[0]?.read_only) return { status: 'down', error: 'the primary is read-only (in recovery): every write would fail' };
    return { status: 'up', latency_ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  }
}

export async function standbyHealth(router: ReadRouter, maxLagSeconds: number): Promise<PostgresHealth> {
  const reading = await router.standbyState();
  switch (reading.state) {
    case 'not_configured':
      return { status: 'not_configured', reads_served_by: 'primary' };
    case 'down':
      return { status: 'down', error: reading.error, reads_served_by: 'primary' };
    case 'lagging':
      return {
        status: 'degraded',
        replication_lag_seconds: Number.isFinite(reading.lagSeconds) ? reading.lagSeconds : null,
        max_lag_seconds: maxLagSeconds,
        reads_served_by: 'primary',
      };
    case 'up':
      return { status: 'up', replication_lag_seconds: reading.lagSeconds, reads_served_by: 'standby' };
  }
}
