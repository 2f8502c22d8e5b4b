import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import type { ReadRouter } from './read-router.js';

export interface PostgresHealth {
  readonly status: 'up' | 'degraded' | 'down' | 'not_configured';
  readonly [detail: string]: unknown;
}

export async function primaryHealth(primary: Kysely<Database>): Promise<PostgresHealth> {
  const started = performance.now();
  try {
    await sql`select 1`.execute(primary);
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
