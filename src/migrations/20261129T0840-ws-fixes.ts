import { type Kysely, sql } from 'kysely';

/**
 * ws_tickets.key_id: the API key a ticket was issued to (its id; `bootstrap` for ADMIN_API_KEY).
 * The stream it opens counts against that key's streams and is closed when the key is revoked.
 * Nullable only for tickets issued before this column existed (they live 30 s): those are never
 * redeemed, since nobody could say whose they are.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ws_tickets add column key_id text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table ws_tickets drop column key_id`.execute(db);
}
