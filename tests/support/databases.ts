import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { createDatabase } from '../../src/adapters/postgres/pool.js';
import { migrateToLatest } from '../../src/adapters/postgres/migrator.js';
import type { Database } from '../../src/adapters/postgres/database.js';
import { requiredRunSetting } from '../../scripts/run-env.js';

/**
 * The PostgreSQL servers the suites use, as URLs without a database and with the superuser's
 * password: the project's own primary and streaming standby that `make setup` runs (ports
 * 25432 and 25433, from .run/env), or TEST_PRIMARY_URL / TEST_STANDBY_URL when set.
 */
export function primaryServer(): string {
  return requiredRunSetting('TEST_PRIMARY_URL');
}
export function standbyServer(): string {
  return requiredRunSetting('TEST_STANDBY_URL');
}

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
  return onServer(primaryServer(), database, async (c) => (await c.query<T>(text)).rows);
}

export function sqlOnStandby<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  return onServer(standbyServer(), 'postgres', async (c) => (await c.query<T>(text)).rows);
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
    const db = new TestDatabase(name, `${primaryServer()}/${name}`, `${standbyServer()}/${name}`);
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
      () => onServer(standbyServer(), this.name, async () => true),
      15_000,
      `database ${this.name} on the standby`,
    );
  }

  async drop(): Promise<void> {
    await sqlOnPrimary('postgres', `drop database if exists ${this.name} with (force)`);
  }
}

const STANDBY_SCRIPT = new URL('../../scripts/standby.sh', import.meta.url).pathname;

/** Drives the project's standby (scripts/standby.sh: stop, start, ensure) for tests that take it away. */
export async function standby(action: 'stop' | 'start' | 'ensure'): Promise<void> {
  await run('bash', [STANDBY_SCRIPT, action], { timeout: 120_000 });
}
