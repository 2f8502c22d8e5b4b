import { type Kysely, type Migration, type MigrationInfo, Migrator, type MigrationResultSet, sql } from 'kysely';
import { migrations, type MigrationModule } from '../../migrations/index.js';
import type { Database } from './database.js';

/**
 * Each migration runs in a transaction of its own, recorded in it, never one transaction for all
 * that are pending: a lock taken by one (an `alter table`) is released when it commits, not when the
 * last one does. It waits at most LOCK_TIMEOUT for a lock, then fails and rolls back; running the
 * migrations again retries it. A migration exporting `transactional = false` (index builds with
 * `concurrently`) runs outside any transaction and manages its own locks
 * (docs/adr/0023-finding-notifications.md, "Upgrading").
 */
export const LOCK_TIMEOUT = '5s';

const REFUSED = (name: string) => async (): Promise<void> => {
  throw new Error(`migration ${name} must run outside a transaction: another migrator ran in between; run the migrations again`);
};

/** A migration as the Migrator of the given kind runs it. */
function prepared(name: string, module: MigrationModule, inTransaction: boolean): Migration {
  if (module.transactional === false) return inTransaction ? { up: REFUSED(name), down: REFUSED(name) } : module;
  const bounded = (step: Migration['up']): Migration['up'] => async (db) => {
    await sql`set local lock_timeout = ${sql.lit(LOCK_TIMEOUT)}`.execute(db);
    await step(db);
  };
  // In the Migrator's own transaction (the record of the migration is written in it too); in one of
  // its own only when a Migrator for a non-transactional one finds it next (another ran in between).
  const own = (step: Migration['up']): Migration['up'] => (db) => db.transaction().execute((trx) => bounded(step)(trx));
  const wrap = inTransaction ? bounded : own;
  return { up: wrap(module.up), down: module.down && wrap(module.down) };
}

function migrator(db: Kysely<Database>, inTransaction: boolean): Migrator {
  const provided = Object.fromEntries(Object.entries(migrations).map(([name, m]) => [name, prepared(name, m, inTransaction)]));
  return new Migrator({ db, disableTransactions: !inTransaction, provider: { getMigrations: async () => provided } });
}

function unwrap({ error, results }: MigrationResultSet): string[] {
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).map((r) => `${r.direction} ${r.migrationName}: ${r.status}`);
}

const inTransaction = (info: MigrationInfo) => migrations[info.name]?.transactional !== false;

/** One migration at a time, each by a Migrator that runs it in a transaction or not, as it asks. */
async function stepwise(db: Kysely<Database>, next: (infos: readonly MigrationInfo[]) => MigrationInfo | undefined, direction: 'up' | 'down', limit: number): Promise<string[]> {
  const lines: string[] = [];
  for (let i = 0; i < limit; i++) {
    const info = next(await migrator(db, true).getMigrations());
    if (!info) break;
    const m = migrator(db, inTransaction(info));
    const step = unwrap(await (direction === 'up' ? m.migrateUp() : m.migrateDown()));
    if (step.length === 0) break;
    lines.push(...step);
  }
  return lines;
}

const firstPending = (infos: readonly MigrationInfo[]) => infos.find((i) => i.executedAt === undefined);
const lastExecuted = (infos: readonly MigrationInfo[]) => infos.findLast((i) => i.executedAt !== undefined);

export function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  return stepwise(db, firstPending, 'up', Number.POSITIVE_INFINITY);
}

export function migrateDownOne(db: Kysely<Database>): Promise<string[]> {
  return stepwise(db, lastExecuted, 'down', 1);
}

export function migrateToZero(db: Kysely<Database>): Promise<string[]> {
  return stepwise(db, lastExecuted, 'down', Number.POSITIVE_INFINITY);
}
