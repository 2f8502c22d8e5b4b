import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { createDatabase } from '../../src/adapters/postgres/pool.js';
import { migrateToLatest } from '../../src/adapters/postgres/migrator.js';
import type { Database } from '../../src/adapters/postgres/database.js';

export const PRIMARY_SERVER = process.env.TEST_PRIMARY_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const STANDBY_SERVER = process.env.TEST_STANDBY_URL ?? 'postgres://postgres@127.0.0.1:5433';

const run = promisify(execFile);

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

async function onServer<T>(server: string, database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${server}/${database}`, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function sqlOnPrimary<T extends pg.QueryResultRow>(database: string, text: string): Promise<T[]> {
  return onServer(PRIMARY_SERVER, database, async (c) => (await c.query<T>(text)).rows);
}

export function sqlOnStandby<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  return onServer(STANDBY_SERVER, 'postgres', async (c) => (await c.query<T>(text)).rows);
}

export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** A database of its own for one suite, migrated, and visible on the standby. */
export class TestDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
    readonly standbyUrl: string,
  ) {}

  static async create(prefix: string, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
    const name = uniqueName(prefix);
    await sqlOnPrimary('postgres', `create database ${name}`);
    const db = new TestDatabase(name, `${PRIMARY_SERVER}/${name}`, `${STANDBY_SERVER}/${name}`);
    if (options.migrate ?? true) {
      const kysely = db.kysely('migrate');
      await migrateToLatest(kysely);
      await kysely.destroy();
    }
    return db;
  }

  kysely(name = 'test', url = this.url): Kysely<Database> {
    return createDatabase({
      url,
      name,
      max: 4,
      connectionTimeoutMs: 2_000,
      statementTimeoutMs: 10_000,
      queryTimeoutMs: 12_000,
      onError: () => undefined,
    });
  }

  async waitForStandby(): Promise<void> {
    await eventually(
      () => onServer(STANDBY_SERVER, this.name, async () => true),
      15_000,
      `database ${this.name} on the standby`,
    );
  }

  async drop(): Promise<void> {
    await sqlOnPrimary('postgres', `drop database if exists ${this.name} with (force)`);
  }
}

/** Drives the project's standby script (stop, start) for tests that take the standby away. */
export async function standby(action: 'stop' | 'start' | 'ensure'): Promise<void> {
  await run('bash', ['scripts/standby.sh', action], { timeout: 120_000 });
}
