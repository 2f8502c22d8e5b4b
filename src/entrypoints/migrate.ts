import { createDatabase } from '../adapters/postgres/pool.js';
import { migrateDownOne, migrateToLatest, migrateToZero } from '../adapters/postgres/migrator.js';
import { EnvReader } from '../adapters/system/env-reader.js';

const ACTIONS = { up: migrateToLatest, down: migrateDownOne, reset: migrateToZero } as const;

/** `node migrate.js [up|down|reset]` against DATABASE_URL: up applies all pending migrations. */
async function main(): Promise<number> {
  const action = (process.argv[2] ?? 'up') as keyof typeof ACTIONS;
  if (!Object.hasOwn(ACTIONS, action)) {
    console.error(`usage: migrate [${Object.keys(ACTIONS).join('|')}]`);
    return 2;
  }
  const env = new EnvReader(process.env);
  const url = env.url('DATABASE_URL', ['postgres', 'postgresql'], { required: true });
  if (!url) {
    console.error(`invalid configuration: ${env.problems.join('; ')}`);
    return 1;
  }
  const db = createDatabase({
    url,
    name: 'migrate',
    max: 1,
    connectionTimeoutMs: 10_000,
    statementTimeoutMs: 600_000,
    queryTimeoutMs: 600_000,
    onError: () => undefined,
  });
  try {
    const results = await ACTIONS[action](db);
    process.stdout.write(results.length > 0 ? `${results.join('\n')}\n` : 'nothing to migrate\n');
    return 0;
  } catch (error) {
    console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main();
