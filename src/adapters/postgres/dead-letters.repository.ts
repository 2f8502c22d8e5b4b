import { type Kysely, sql } from 'kysely';
import type { DeadLetters } from '../../application/ports/dead-letters.js';
import { type DeadLetterFilter, type DeadLetterMessage, type DeadLetterPosition, LEFT_OUT_OF_REPLAY, REPLAYED_FROM_HEADER, type ReplayCandidate, type ReplayState } from '../../domain/dead-letter.js';
import type { Database } from './database.js';
import { replayableMatching } from './dead-letter-rows.js';
import { isUuid } from './uuid.js';

export class KyselyDeadLetters implements DeadLetters {
  constructor(private readonly db: Kysely<Database>) {}

  /** One statement decides, by the unique message key: a concurrent insert of the same message waits for the first, then does nothing. */
  async add(id: string, m: DeadLetterMessage, at: Date): Promise<'stored' | 'duplicate'> {
    const inserted = await this.db
      .insertInto('dead_letters')
      .values({
        id,
        message_key: m.messageKey,
        body: Buffer.from(m.body),
        body_truncated: m.bodyTruncated,
        body_size: m.bodySize,
        headers: JSON.stringify(m.headers),
        dropped_headers: [...m.droppedHeaders],
        properties: JSON.stringify(m.properties),
        exchange: m.exchange,
        routing_key: m.routingKey,
        queue: m.queue,
        reason: m.reason,
        detail: m.detail,
        first_death_at: m.firstDeathAt,
        last_death_at: m.lastDeathAt,
        death_count: m.deathCount,
        // Only a dead letter that was replayed: x-replayed-from may come from any publisher.
        replay_of: m.replayOf === null ? null : sql<string>`(select id from dead_letters where id = ${m.replayOf}::uuid and replayed_at is not null)`,
        created_at: at,
      })
      .onConflict((oc) => oc.column('message_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted ? 'stored' : 'duplicate';
  }

  async lockForReplay(id: string): Promise<ReplayState | null> {
    if (!isUuid(id)) return null;
    const row = await this.db.selectFrom('dead_letters').select(['id', 'routing_key', 'exchange', 'replayed_at', 'body_truncated']).where('id', '=', id).forUpdate().executeTakeFirst();
    return row ? { id: row.id, routingKey: row.routing_key, exchange: row.exchange, replayedAt: row.replayed_at, bodyTruncated: row.body_truncated } : null;
  }

  async lockReplayable(filter: DeadLetterFilter, before: DeadLetterPosition | null, limit: number): Promise<ReplayCandidate[]> {
    const rows = await replayableMatching(this.db.selectFrom('dead_letters'), filter, before)
      .select(['id', 'created_at', 'routing_key', 'exchange', 'body_size'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map((r) => ({ id: r.id, createdAt: r.created_at, routingKey: r.routing_key, exchange: r.exchange, bodySize: r.body_size }));
  }

  /**
   * One statement: these rows, those not replayed yet and whole (locked; those another replay holds
   * are skipped), are marked replayed, and each becomes an outbox row with its bytes, routing key,
   * AMQP properties and headers as replayHeaders (src/domain/dead-letter.ts) makes them: without
   * those a death added and CC/BCC, plus `x-replayed-from`. One that came
   * through the default exchange (an event published over REST, ADR 28) goes back to the service's
   * own queue.
   */
  async replay(ids: readonly string[], at: Date): Promise<number> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return 0;
    const chosen = this.db.selectFrom('dead_letters').select('id').where('replayed_at', 'is', null).where('body_truncated', '=', false).where('id', 'in', valid).forUpdate().skipLocked();
    const result = await sql`
      with chosen as (${chosen}),
      marked as (
        update dead_letters d set replayed_at = ${at} from chosen where d.id = chosen.id
        returning d.id, d.body, d.headers, d.properties, d.routing_key, d.exchange)
      insert into outbox (id, event_type, routing_key, correlation_id, payload, raw_body, headers, message_id, content_type, to_own_queue, created_at)
      select gen_random_uuid(), coalesce(properties->>'type', ''), routing_key, properties->>'correlationId', null, body,
        (headers - ${sql.val([...LEFT_OUT_OF_REPLAY])}::text[]) || jsonb_build_object(${REPLAYED_FROM_HEADER}::text, id::text),
        properties->>'messageId', properties->>'contentType', exchange = '', ${at}
      from marked`.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }

  async discard(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.db.deleteFrom('dead_letters').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
