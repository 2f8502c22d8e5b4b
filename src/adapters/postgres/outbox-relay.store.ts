import { type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import { REPLAYED_FROM_HEADER } from '../../domain/dead-letter.js';
import { type Backoff, backoffDelay } from '../../application/backoff.js';
import type { OutboundEvent } from '../../application/ports/event-publisher.js';
import type { Database, OutboxTable } from './database.js';
import { isUuid } from './uuid.js';

/** `permanent`: publishing it again would fail the same way (a replay amqplib cannot encode): the row is parked. */
export type PublishOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly error: string; readonly permanent?: boolean };

export interface RelayResult {
  readonly claimed: number;
  readonly published: number;
  readonly failed: number;
}

/** A row the broker did not take is tried again after a growing delay, at most a minute. */
const RELAY_BACKOFF: Backoff = { initialMs: 1_000, maxMs: 60_000 };

/**
 * The relay's side of the outbox, always on the primary. A batch of unpublished rows is locked
 * (`FOR UPDATE SKIP LOCKED`, so instances never relay the same row at once), published, and marked
 * published only for the events the broker confirmed; the others keep their row and are tried
 * again after a backoff. Polling this table is the truth: a notification may only wake it.
 */
type OutboxRow = Pick<Selectable<OutboxTable>, 'id' | 'event_type' | 'routing_key' | 'correlation_id' | 'payload' | 'raw_body' | 'headers' | 'message_id' | 'content_type' | 'to_own_queue'>;

/** A row with a raw body (a dead letter's replay, docs/adr/0024-dead-letters-as-rows.md) is published as it was received. */
function outboundEvent(r: OutboxRow): OutboundEvent {
  const event = { eventId: r.id, className: r.event_type, routingKey: r.routing_key, correlationId: r.correlation_id, body: r.payload ?? {}, ...(r.to_own_queue ? { toOwnQueue: true } : {}) };
  if (r.raw_body === null) return event;
  return { ...event, raw: { body: r.raw_body, headers: r.headers ?? {}, messageId: r.message_id, contentType: r.content_type } };
}

/**
 * A row that can never be published is done with, not retried: marked published (so the backlog,
 * the relay and retention treat it as done) with the error in `last_error`. The dead letter it
 * replays is replayable again, once what refused it is fixed (docs/adr/0024-dead-letters-as-rows.md).
 */
async function park(tx: Transaction<Database>, row: Pick<OutboxRow, 'id' | 'headers'>, error: string): Promise<void> {
  await tx.updateTable('outbox').set({ published_at: sql`now()`, attempts: sql`attempts + 1`, last_error: `parked, never published: ${error}`.slice(0, 1000) }).where('id', '=', row.id).execute();
  const replayed = row.headers?.[REPLAYED_FROM_HEADER];
  if (typeof replayed === 'string' && isUuid(replayed)) await tx.updateTable('dead_letters').set({ replayed_at: null }).where('id', '=', replayed).execute();
}

export class KyselyOutboxRelayStore {
  constructor(private readonly primary: Kysely<Database>) {}

  relayBatch(limit: number, publish: (events: OutboundEvent[]) => Promise<PublishOutcome[]>): Promise<RelayResult> {
    return this.primary.transaction().execute(async (tx) => {
      const rows = await tx
        .selectFrom('outbox')
        .select(['id', 'event_type', 'routing_key', 'correlation_id', 'payload', 'raw_body', 'headers', 'message_id', 'content_type', 'to_own_queue', 'attempts'])
        .where('published_at', 'is', null)
        .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', sql<Date>`now()`)]))
        .orderBy('created_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      if (rows.length === 0) return { claimed: 0, published: 0, failed: 0 };
      const events = rows.map(outboundEvent);
      const outcomes = await publish(events);
      const confirmed = rows.filter((_, i) => outcomes[i]?.ok).map((r) => r.id);
      if (confirmed.length > 0) await tx.updateTable('outbox').set({ published_at: sql`now()` }).where('id', 'in', confirmed).execute();
      for (const [i, row] of rows.entries()) {
        const outcome = outcomes[i];
        if (!outcome || outcome.ok) continue;
        if (outcome.permanent) {
          await park(tx, row, `${outcome.reason}: ${outcome.error}`);
          continue;
        }
        await tx
          .updateTable('outbox')
          .set({
            attempts: sql`attempts + 1`,
            last_error: `${outcome.reason}: ${outcome.error}`.slice(0, 1000),
            next_attempt_at: sql`now() + make_interval(secs => ${backoffDelay(row.attempts + 1, RELAY_BACKOFF) / 1000})`,
          })
          .where('id', '=', row.id)
          .execute();
      }
      return { claimed: rows.length, published: confirmed.length, failed: rows.length - confirmed.length };
    });
  }

  async backlog(): Promise<number> {
    const row = await this.primary
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('published_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
