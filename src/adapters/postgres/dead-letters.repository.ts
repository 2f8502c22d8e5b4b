import { type Kysely, sql } from 'kysely';
import type { DeadLetters, ReplaySelection } from '../../application/ports/dead-letters.js';
import { DEATH_HEADERS, type DeadLetterMessage, REPLAYED_FROM_HEADER, type ReplayState } from '../../domain/dead-letter.js';
import type { Database } from './database.js';
import { matching } from './dead-letter-rows.js';
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
    const row = await this.db.selectFrom('dead_letters').select(['id', 'replayed_at', 'body_truncated']).where('id', '=', id).forUpdate().executeTakeFirst();
    return row ? { id: row.id, replayedAt: row.replayed_at, bodyTruncated: row.body_truncated } : null;
  }

  /**
   * One statement: the chosen rows (newest first, locked; those another replay holds are skipped)
   * are marked replayed, and each becomes an outbox row with its bytes, routing key, AMQP properties
   * and headers without those a death added, plus `x-replayed-from`.
   */
  async replay(selection: ReplaySelection, at: Date): Promise<number> {
    if ('ids' in selection && !selection.ids.some(isUuid)) return 0;
    const chosen = this.chosen(selection);
    const result = await sql`
      with chosen as (${chosen}),
      marked as (
        update dead_letters d set replayed_at = ${at} from chosen where d.id = chosen.id
        returning d.id, d.body, d.headers, d.properties, d.routing_key)
      insert into outbox (id, event_type, routing_key, correlation_id, payload, raw_body, headers, message_id, content_type, created_at)
      select gen_random_uuid(), coalesce(properties->>'type', ''), routing_key, properties->>'correlationId', null, body,
        (headers - ${sql.val([...DEATH_HEADERS])}::text[]) || jsonb_build_object(${REPLAYED_FROM_HEADER}::text, id::text),
        properties->>'messageId', properties->>'contentType', ${at}
      from marked`.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }

  async discard(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.db.deleteFrom('dead_letters').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  private chosen(selection: ReplaySelection) {
    const replayable = this.db.selectFrom('dead_letters').select('id').where('replayed_at', 'is', null).where('body_truncated', '=', false);
    const limited = 'ids' in selection ? replayable.where('id', 'in', selection.ids.filter(isUuid)) : matching(replayable, selection.filter).limit(selection.limit);
    return limited.orderBy('created_at', 'desc').orderBy('id', 'desc').forUpdate().skipLocked();
  }
}
