import { type Kysely, sql } from 'kysely';

/**
 * An outbox row the relay publishes straight to the service's own queue (through the default
 * exchange, routing key = the queue's name) instead of the events exchange: an event published
 * over REST, or a replayed dead letter that came that way. Other services bound to the events
 * exchange never receive it (docs/adr/0028-publishing-and-bulk-retry.md).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox add column to_own_queue boolean not null default false`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox drop column to_own_queue`.execute(db);
}
