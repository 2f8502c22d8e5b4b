import type { Selectable, SelectQueryBuilder } from 'kysely';
import type { DeadLetterView } from '../../application/ports/dead-letters.js';
import type { DeadLetterFilter, StoredHeaders } from '../../domain/dead-letter.js';
import type { Database, DeadLettersTable } from './database.js';

type DeadLetterQuery<O> = SelectQueryBuilder<Database, 'dead_letters', O>;

/** The filter's conditions; `from`/`to` bound created_at, both inclusive (the (created_at, id) indexes serve them). */
export function matching<O>(query: DeadLetterQuery<O>, filter: DeadLetterFilter): DeadLetterQuery<O> {
  let q = query;
  if (filter.reason !== null) q = q.where('reason', '=', filter.reason);
  if (filter.routingKey !== null) q = q.where('routing_key', '=', filter.routingKey);
  if (filter.from !== null) q = q.where('created_at', '>=', filter.from);
  if (filter.to !== null) q = q.where('created_at', '<=', filter.to);
  return q;
}

export const VIEW_COLUMNS = [
  'id',
  'exchange',
  'routing_key',
  'queue',
  'reason',
  'detail',
  'body',
  'body_truncated',
  'body_size',
  'headers',
  'dropped_headers',
  'first_death_at',
  'last_death_at',
  'death_count',
  'replay_of',
  'replayed_at',
  'created_at',
] as const;

type ViewRow = Pick<Selectable<DeadLettersTable>, (typeof VIEW_COLUMNS)[number]>;

export function deadLetterView(row: ViewRow): DeadLetterView {
  return {
    id: row.id,
    exchange: row.exchange,
    routingKey: row.routing_key,
    queue: row.queue,
    reason: row.reason,
    detail: row.detail,
    body: row.body,
    bodyTruncated: row.body_truncated,
    bodySize: row.body_size,
    headers: row.headers as StoredHeaders,
    droppedHeaders: row.dropped_headers,
    firstDeathAt: row.first_death_at,
    lastDeathAt: row.last_death_at,
    deathCount: row.death_count,
    replayOf: row.replay_of,
    replayedAt: row.replayed_at,
    createdAt: row.created_at,
  };
}
