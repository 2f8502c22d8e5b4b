import { type Kysely, sql } from 'kysely';

/**
 * ws_tickets: the single-use tickets that open an admin WebSocket stream (30 s), shared by every
 * instance. Only the SHA-256 of a ticket is stored; redeeming deletes the row in the statement
 * that checks it, so a ticket opens one stream however many instances race for it. Retention
 * deletes expired ones through the expiry index.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table ws_tickets (
      hash text primary key,
      expires_at timestamptz not null,
      created_at timestamptz not null default now())`.execute(db);
  await sql`create index ws_tickets_expiry on ws_tickets (expires_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table ws_tickets`.execute(db);
}
