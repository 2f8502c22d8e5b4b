import pg from 'pg';
import { sqlOnPrimary, sqlOnStandby, uniqueName } from '../../support/databases.js';
import type { PipelineWorld } from '../../support/pipeline-world.js';

/** What REST answered while the database said "try later": each status with its Retry-After. */
export async function restWhile(world: PipelineWorld, ms: number): Promise<string[]> {
  const answers: string[] = [];
  for (const until = Date.now() + ms; Date.now() < until; ) {
    const res = await world.admin.post('/notifications/send', { notification_type: 'welcome', recipient_email: 'rest-s25@example.com' });
    answers.push(`${res.status} retry-after=${res.headers.get('retry-after')}`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  return answers;
}

/** Holds `tables` locked (access exclusive) in a transaction of the test's own until `release()`. */
export async function lockTables(databaseUrl: string, tables: readonly string[]): Promise<{ release: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('begin');
  await client.query(`lock table ${tables.join(', ')} in access exclusive mode`);
  return {
    release: async () => {
      await client.query('rollback').catch(() => undefined);
      await client.end();
    },
  };
}

/**
 * A login role of the scenario's own with every privilege the service needs on `database`, so that
 * "too many connections" (53300) can be caused for it alone: superusers are exempt from the
 * connection limits a test may set, and other suites share the server.
 */
export class LimitedRole {
  private constructor(
    readonly name: string,
    private readonly database: string,
  ) {}

  static async create(database: string): Promise<LimitedRole> {
    const name = uniqueName('flt_s25_role');
    await sqlOnPrimary('postgres', `create role ${name} login password '${name}'`);
    await sqlOnPrimary(
      database,
      `grant all on all tables in schema public to ${name}; grant all on all sequences in schema public to ${name}; grant usage on schema public to ${name}`,
    );
    return new LimitedRole(name, database);
  }

  /** `url` (a server URL with this suite's database) as this role. */
  url(url: string): string {
    const u = new URL(url);
    u.username = this.name;
    u.password = this.name;
    return u.toString();
  }

  /** Refuses every new connection of the role (53300) and ends those it has, on both servers. */
  async refuseConnections(): Promise<void> {
    await sqlOnPrimary('postgres', `alter role ${this.name} connection limit 0`);
    const terminate = `select pg_terminate_backend(pid) from pg_stat_activity where usename = '${this.name}'`;
    await Promise.all([sqlOnPrimary('postgres', terminate), sqlOnStandby(terminate)]);
  }

  async allowConnections(): Promise<void> {
    await sqlOnPrimary('postgres', `alter role ${this.name} connection limit -1`);
  }

  async drop(): Promise<void> {
    await sqlOnPrimary(this.database, `drop owned by ${this.name}`).catch(() => undefined);
    await sqlOnPrimary('postgres', `drop role if exists ${this.name}`);
  }
}
