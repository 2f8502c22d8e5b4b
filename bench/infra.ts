import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';
import { requiredRunSetting, runSetting } from '../scripts/run-env.js';
import { sleep, waitUntil } from './util.js';

const run = promisify(execFile);

/**
 * The servers the bench uses: the project's own PostgreSQL primary and standby and its RabbitMQ
 * user, as `make setup` wrote them to .run/env (URLs with credentials, no database or vhost), or
 * TEST_PRIMARY_URL, TEST_STANDBY_URL and TEST_RABBITMQ_URL when set.
 */
export const PRIMARY = requiredRunSetting('TEST_PRIMARY_URL');
export const STANDBY = requiredRunSetting('TEST_STANDBY_URL');
export const BROKER = requiredRunSetting('TEST_RABBITMQ_URL');
const BROKER_USER = runSetting('TEST_RABBITMQ_USER') ?? decodeURIComponent(new URL(BROKER).username);

/** Runs one statement on a fresh connection (no statement timeout: bulk inserts take a while). */
export async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export async function recreateDatabase(name: string): Promise<void> {
  await sql(`${PRIMARY}/postgres`, `drop database if exists ${name} with (force)`);
  await sql(`${PRIMARY}/postgres`, `create database ${name}`);
}

export async function dropDatabase(name: string): Promise<void> {
  await sql(`${PRIMARY}/postgres`, `drop database if exists ${name} with (force)`);
}

/** The built migrate entry point, as `npm run migrate` runs it. */
export async function migrate(databaseUrl: string): Promise<void> {
  await run('node', ['dist/src/entrypoints/migrate.js'], { env: { ...process.env, DATABASE_URL: databaseUrl } });
}

/** Waits until the standby has replayed everything the primary has written so far. */
export async function waitForStandby(database: string): Promise<void> {
  const [{ lsn } = { lsn: '' }] = await sql<{ lsn: string }>(`${PRIMARY}/postgres`, 'select pg_current_wal_lsn()::text as lsn');
  await waitUntil(`the standby to replay up to ${lsn}`, async () => {
    try {
      const [row] = await sql<{ behind: string }>(`${STANDBY}/${database}`, 'select pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::text as behind', [lsn]);
      const behind = Number(row?.behind ?? Number.POSITIVE_INFINITY);
      return { done: behind <= 0, progress: -behind, status: `${behind} bytes behind` };
    } catch (error) {
      // The database itself may not have reached the standby yet.
      return { done: false, progress: 0, status: String(error) };
    }
  });
}

export async function postgresVersion(): Promise<string> {
  const [row] = await sql<{ server_version: string }>(`${PRIMARY}/postgres`, 'show server_version');
  return row?.server_version ?? 'unknown';
}

/** A vhost of the bench's own with the service's policies; an earlier run's is dropped first. */
export async function createVhost(name: string): Promise<void> {
  await dropVhost(name);
  await run('rabbitmqctl', ['-q', 'add_vhost', name]);
  await run('rabbitmqctl', ['-q', 'set_permissions', '-p', name, BROKER_USER, '.*', '.*', '.*']);
  await run('bash', ['scripts/rabbitmq-policies.sh', name]);
}

export async function dropVhost(name: string): Promise<void> {
  await run('rabbitmqctl', ['-q', 'delete_vhost', name]).catch(() => undefined);
}

export function vhostUrl(name: string): string {
  return `${BROKER}/${encodeURIComponent(name)}`;
}

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await sleep(10);
  return port;
}

/**
 * The next transaction id of the server: the difference between two readings counts the write
 * transactions in between (read-only ones get no id), exactly and at once, unlike
 * pg_stat_database, which an idle backend may flush up to 10 s late. Reading it assigns no id.
 */
export async function nextTransactionId(databaseUrl: string): Promise<number> {
  const [row] = await sql<{ xmax: string }>(databaseUrl, 'select pg_snapshot_xmax(pg_current_snapshot())::text as xmax');
  return Number(row?.xmax ?? 0);
}

/**
 * autovacuum as the server runs it. The project's own servers have it on, as production does
 * (config/postgres/postgresql.conf); the bench changes no server's configuration (no ALTER
 * SYSTEM), so a server of the user's with it off is measured, and reported, as it is.
 */
export async function autovacuumSetting(): Promise<string> {
  const [row] = await sql<{ setting: string }>(`${PRIMARY}/postgres`, "select setting from pg_settings where name = 'autovacuum'");
  return row?.setting ?? 'unknown';
}

/** VACUUM (ANALYZE) of a whole database, as autovacuum leaves it once it has caught up. */
export async function vacuumDatabase(databaseUrl: string): Promise<void> {
  await sql(databaseUrl, 'vacuum (analyze)');
}
