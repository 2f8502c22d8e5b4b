import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PRIMARY, dropDatabase, recreateDatabase, sql } from '../infra.js';
import type { PostgresBound } from '../results.js';
import { log, round, wallNow } from '../util.js';

const SCRATCH = 'bench_scratch';
const CONNECTIONS = 16;

/** The two tables the consume step writes, with the service's indexes (src/migrations). */
export const SCHEMA = `
  create table inbox (event_id text primary key, payload_hash text not null, event_type text not null, received_at timestamptz not null);
  create table notifications (
    id uuid primary key, user_id text, type text not null, channel text not null, recipient text not null, subject text,
    template_vars jsonb not null default '{}', status text not null, scheduled_attempts integer not null default 0,
    next_attempt_at timestamptz, correlation_id text, source_event_id text, created_at timestamptz not null, updated_at timestamptz not null);
  create index notifications_user_history on notifications (user_id, created_at desc, id desc);
  create index notifications_due on notifications (next_attempt_at) where status in ('pending', 'retrying');`;

/** One transaction shaped like the service's consume step: an inbox row and a notification row, four round trips. */
async function transaction(client: pg.Client, i: number): Promise<void> {
  const eventId = randomUUID();
  await client.query('begin');
  await client.query('insert into inbox (event_id, payload_hash, event_type, received_at) values ($1, $2, $3, now()) on conflict (event_id) do nothing returning event_id', [eventId, 'a'.repeat(64), 'UserWelcomeRequested']);
  await client.query(
    `insert into notifications (id, user_id, type, channel, recipient, subject, template_vars, status, next_attempt_at, correlation_id, source_event_id, created_at, updated_at)
     values ($1, $2, 'welcome', 'email', $3, null, $4, 'pending', now(), $5, $6, now(), now())`,
    [randomUUID(), `user-${i % 1_000}`, `user-${i}@bench.example.com`, JSON.stringify({ username: `User ${i}` }), eventId, eventId],
  );
  await client.query('commit');
}

/** 16 connections committing consume-step transactions for `seconds` on a scratch database. */
export async function measurePostgres(seconds: number): Promise<PostgresBound> {
  await recreateDatabase(SCRATCH);
  const url = `${PRIMARY}/${SCRATCH}`;
  await sql(url, SCHEMA);
  const clients = Array.from({ length: CONNECTIONS }, () => new pg.Client({ connectionString: url }));
  try {
    await Promise.all(clients.map((c) => c.connect()));
    let transactions = 0;
    const start = wallNow();
    const deadline = start + seconds * 1_000;
    await Promise.all(
      clients.map(async (client) => {
        while (wallNow() < deadline) await transaction(client, transactions++);
      }),
    );
    const rate = transactions / ((wallNow() - start) / 1_000);
    log(`  PostgreSQL, ${CONNECTIONS} connections: ${round(rate)} transactions/s`);
    return { connections: CONNECTIONS, seconds, transactions, rate: round(rate) };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await dropDatabase(SCRATCH);
  }
}
