import { once } from 'node:events';
import { firstMessage, forkBench } from '../children.js';
import type { Bench } from '../context.js';
import { PRIMARY, dropDatabase, recreateDatabase, sql } from '../infra.js';
import type { PipelineBound } from '../results.js';
import { sleep } from '../util.js';
import { measurePipelineRun } from './e2e.js';
import { SCHEMA } from './raw-postgres.js';

const DATABASE = 'bench_bare';
const QUEUE = 'bench.bare.events';
/** The service's default per-consumer prefetch (RABBITMQ_PREFETCH). */
const PREFETCH = 20;

/** The tables the bare pipeline writes besides the consume step's (raw-postgres.ts). */
const BARE_SCHEMA = `
  create table notification_preferences (user_id text primary key, notification_email text not null, preferences jsonb not null, created_at timestamptz not null, updated_at timestamptz not null);
  create table notification_attempts (
    notification_id uuid not null references notifications (id), number integer not null, attempted_at timestamptz not null,
    outcome text not null, response text, latency_ms integer not null, primary key (notification_id, number));
  create table outbox (id uuid primary key, routing_key text not null, payload jsonb not null, created_at timestamptz not null, published_at timestamptz);
  create index outbox_unpublished on outbox (created_at) where published_at is null;`;

/**
 * The bare pipeline (bench/bare-pipeline.ts) in its own process, on a scratch database and a
 * queue of its own bound to the events exchange: `events` mixed events through it, measured as
 * the service's end-to-end run is. The queue is deleted afterwards, so the service's runs do not
 * feed it.
 */
export async function measurePipeline(bench: Bench, events: number, smtpConnections: number): Promise<PipelineBound> {
  await recreateDatabase(DATABASE);
  const databaseUrl = `${PRIMARY}/${DATABASE}`;
  await sql(databaseUrl, SCHEMA + BARE_SCHEMA);
  await bench.broker.declareQueue(QUEUE, ['user.#', 'order.#']);
  await bench.startCapture();
  const child = forkBench('./bare-pipeline.ts', {
    BARE_DATABASE_URL: databaseUrl,
    BARE_RABBITMQ_URL: bench.servers.rabbitmqUrl,
    BARE_QUEUE: QUEUE,
    BARE_PREFETCH: String(PREFETCH),
    BARE_SMTP_PORT: String(bench.sink.port),
    BARE_SMTP_CONNECTIONS: String(smtpConnections),
  });
  let exitCode: number | null | undefined;
  child.once('exit', (code) => {
    exitCode = code;
  });
  try {
    await firstMessage(child, 'the bare pipeline');
    const consumer = {
      name: 'bare pipeline',
      pid: child.pid ?? 0,
      databaseUrl,
      assertRunning: () => {
        if (exitCode !== undefined) throw new Error(`the bare pipeline exited (${exitCode})`);
      },
    };
    const run = await measurePipelineRun(bench, consumer, 'p', events);
    return { ...run, smtpConnections, prefetch: PREFETCH };
  } finally {
    if (exitCode === undefined) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
    }
    await bench.broker.deleteQueue(QUEUE);
    await dropDatabase(DATABASE);
  }
}
