import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Inbox: one row per consumed event id, written in the transaction of the event's effects.
  await db.schema
    .createTable('inbox')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('payload_hash', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // Transactional outbox: outbound events, written with the change that causes them.
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('routing_key', 'text', (c) => c.notNull())
    .addColumn('correlation_id', 'text')
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema
    .createIndex('outbox_unpublished')
    .on('outbox')
    .column('created_at')
    .where(sql.ref('published_at'), 'is', null)
    .execute();
  await db.schema.createIndex('outbox_published').on('outbox').column('published_at').where(sql.ref('published_at'), 'is not', null).execute();

  // The worker holding a claim: a send outlived by its lease may not record its outcome.
  await db.schema.alterTable('notifications').addColumn('claim_token', 'uuid').execute();
  await db.schema.alterTable('notifications').addColumn('source_event_id', 'text').execute();
  // Expired leases (a worker died mid-send) are found through this partial index.
  await db.schema
    .createIndex('notifications_leased')
    .on('notifications')
    .column('lease_expires_at')
    .where(sql.ref('status'), '=', 'sending')
    .execute();

  // REST Idempotency-Key: the first response for a key, replayed for the same body.
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('response', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropIndex('notifications_leased').execute();
  await db.schema.alterTable('notifications').dropColumn('source_event_id').execute();
  await db.schema.alterTable('notifications').dropColumn('claim_token').execute();
  await db.schema.dropTable('outbox').execute();
  await db.schema.dropTable('inbox').execute();
}
