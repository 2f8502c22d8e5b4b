import { type Kysely, type RawBuilder, sql } from 'kysely';

/**
 * Builds an index with `concurrently` (reads and writes to the table go on while it is built; only
 * outside a transaction: the migration exports `transactional = false`). A build that failed or was
 * cancelled leaves an invalid index of that name, which `if not exists` would keep: it is dropped
 * and built again, so running the migration again completes it.
 */
export async function createIndexConcurrently(db: Kysely<any>, name: string, definition: RawBuilder<unknown>): Promise<void> {
  const { rows } = await sql<{ valid: boolean }>`select indisvalid as valid from pg_index where indexrelid = to_regclass(${name}::text)`.execute(db);
  if (rows[0]?.valid === false) await sql`drop index concurrently ${sql.ref(name)}`.execute(db);
  await sql`create index concurrently if not exists ${sql.ref(name)} on ${definition}`.execute(db);
}

export async function dropIndexConcurrently(db: Kysely<any>, name: string): Promise<void> {
  await sql`drop index concurrently if exists ${sql.ref(name)}`.execute(db);
}

/**
 * Builds `definition` in place of the index `name`: built concurrently as `<name>_next`, the old one
 * dropped concurrently, the new one renamed (a lock on that index only). The table keeps an index of
 * that shape at every step. Run again after a crash, it completes: a `_next` left valid is kept, one
 * left invalid is built again; once renamed, a second run builds and replaces it once more (the
 * cost of a build, the same result).
 */
export async function replaceIndexConcurrently(db: Kysely<any>, name: string, definition: RawBuilder<unknown>): Promise<void> {
  const next = `${name}_next`;
  await createIndexConcurrently(db, next, definition);
  await dropIndexConcurrently(db, name);
  await sql`alter index ${sql.ref(next)} rename to ${sql.ref(name)}`.execute(db);
}
