/**
 * The bare pipeline, run as its own process by phases/raw-pipeline.ts: the durable work that the
 * service's guarantees ask of every event, done by a plain loop over the same libraries and
 * servers, with none of the service's code (no bus, unit of work, validation, templates, retries,
 * metrics or logs). Per event:
 *   1. consume from a quorum queue (BARE_PREFETCH, 20 as the service's default);
 *   2. one transaction: the inbox row, the user's preferences read, the notification row;
 *   3. ack;
 *   4. one SMTP transaction through a nodemailer pool (the raw SMTP phase's email);
 *   5. the outcome (attempt row, status, outbox row) in one statement, batched with the other
 *      outcomes that finished while the previous batch was written;
 *   6. the outcome event published with a confirm, then its outbox row marked published.
 * Its throughput is what this machine allows for the pipeline, one transaction per event, when
 * the service's own code costs nothing. Ready message on IPC: `{ ready: true }`. Any error ends
 * the process with status 1.
 * Nothing is exported: importing this file would start a pipeline.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import amqp from 'amqplib';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { EXCHANGE } from './broker.js';
import { HTML, TEXT } from './phases/raw-smtp.js';

interface BareEvent {
  readonly event_id: string;
  readonly userid?: string;
  readonly email?: string;
  readonly data?: { readonly user_id?: number; readonly user_email?: string };
}

interface Outcome {
  readonly notificationId: string;
  readonly recipient: string;
  readonly response: string;
  readonly latencyMs: number;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function fail(error: unknown): never {
  console.error('bare pipeline:', error instanceof Error ? error.message : error);
  process.exit(1);
}

const pool = new pg.Pool({ connectionString: env('BARE_DATABASE_URL'), max: 10 });
const transport = nodemailer.createTransport({
  pool: true,
  host: '127.0.0.1',
  port: Number(env('BARE_SMTP_PORT')),
  secure: false,
  ignoreTLS: true,
  maxConnections: Number(env('BARE_SMTP_CONNECTIONS')),
  maxMessages: Infinity,
});

/**
 * One query in pg's callback form: its promise form keeps each result reachable past two young
 * collections (see clientWithReadTimeout in src/adapters/postgres/pool.ts), which the service avoids.
 */
function run(client: pg.PoolClient, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    client.query(text, values, (error: Error | null, result: pg.QueryResult) => (error ? reject(error) : resolve(result)));
  });
}

/** Steps 1–3: true when the event is new (a redelivery finds its inbox row and does nothing). */
async function accept(event: BareEvent, notificationId: string, recipient: string): Promise<boolean> {
  const client = await pool.connect();
  try {
    await run(client, 'begin');
    const inbox = await run(client, 'insert into inbox (event_id, payload_hash, event_type, received_at) values ($1, $2, $3, now()) on conflict (event_id) do nothing returning event_id', [
      event.event_id,
      'a'.repeat(64),
      'bench',
    ]);
    const fresh = inbox.rowCount === 1;
    if (fresh) {
      const userId = event.userid ?? String(event.data?.user_id ?? '');
      await run(client, 'select preferences from notification_preferences where user_id = $1', [userId]);
      await run(
        client,
        `insert into notifications (id, user_id, type, channel, recipient, subject, template_vars, status, next_attempt_at, correlation_id, source_event_id, created_at, updated_at)
         values ($1, $2, 'bench', 'email', $3, null, '{}', 'pending', now(), $4, $4, now(), now())`,
        [notificationId, userId, recipient, event.event_id],
      );
    }
    await run(client, 'commit');
    return fresh;
  } catch (error) {
    await run(client, 'rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Steps 5–6 for every outcome waiting, one batch at a time. */
class OutcomeBatches {
  private waiting: Array<{ outcome: Outcome; done: () => void }> = [];
  private writing = false;

  constructor(private readonly publisher: amqp.ConfirmChannel) {}

  record(outcome: Outcome): Promise<void> {
    return new Promise<void>((done) => {
      this.waiting.push({ outcome, done });
      if (!this.writing) void this.drain().catch(fail);
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      await this.write(batch.map((b) => b.outcome));
      for (const b of batch) b.done();
    }
    this.writing = false;
  }

  private async write(outcomes: Outcome[]): Promise<void> {
    const outboxIds = outcomes.map(() => randomUUID());
    const payloads = outcomes.map((o) => JSON.stringify({ notification_id: o.notificationId, recipient: o.recipient, status: 'sent', response: o.response }));
    await pool.query(
      `with o as (select * from unnest($1::uuid[], $2::text[], $3::int[], $4::uuid[], $5::jsonb[]) as o(id, response, latency_ms, outbox_id, payload)),
            a as (insert into notification_attempts (notification_id, number, attempted_at, outcome, response, latency_ms)
                  select id, 1, now(), 'accepted', response, latency_ms from o),
            n as (update notifications set status = 'sent', next_attempt_at = null, updated_at = now() where id in (select id from o))
       insert into outbox (id, routing_key, payload, created_at) select outbox_id, 'notification.sent', payload, now() from o`,
      [outcomes.map((o) => o.notificationId), outcomes.map((o) => o.response), outcomes.map((o) => o.latencyMs), outboxIds, payloads],
    );
    for (const payload of payloads) this.publisher.publish(EXCHANGE, 'notification.sent', Buffer.from(payload), { persistent: true, contentType: 'application/json' });
    await this.publisher.waitForConfirms();
    await pool.query('update outbox set published_at = now() where id = any($1::uuid[])', [outboxIds]);
  }
}

async function main(): Promise<void> {
  const connection = await amqp.connect(env('BARE_RABBITMQ_URL'));
  const consumer = await connection.createChannel();
  const outcomes = new OutcomeBatches(await connection.createConfirmChannel());
  await consumer.prefetch(Number(env('BARE_PREFETCH')), false);

  const handle = async (message: amqp.ConsumeMessage): Promise<void> => {
    const event = JSON.parse(message.content.toString('utf8')) as BareEvent;
    const recipient = event.email ?? event.data?.user_email ?? '';
    const notificationId = randomUUID();
    const fresh = await accept(event, notificationId, recipient);
    consumer.ack(message);
    if (!fresh) return;
    const started = performance.now();
    const info = (await transport.sendMail({
      from: 'notifications@example.com',
      to: recipient,
      subject: 'Your order is confirmed',
      messageId: `<${notificationId}@example.com>`,
      html: HTML,
      text: TEXT,
    })) as { response: string };
    await outcomes.record({ notificationId, recipient, response: info.response, latencyMs: Math.round(performance.now() - started) });
  };
  await consumer.consume(env('BARE_QUEUE'), (message) => {
    if (message) handle(message).catch(fail);
  });
  process.send?.({ ready: true });
}

process.on('disconnect', () => process.exit(0));
main().catch(fail);
