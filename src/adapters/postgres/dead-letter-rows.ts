import { type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import type { DeadLetterView } from '../../application/ports/dead-letters.js';
import type { DeadLetterFilter, DeadLetterPosition, StoredHeaders } from '../../domain/dead-letter.js';
import type { Database, DeadLettersTable } from './database.js';

/** What a dead letter keeps of a body (src/adapters/rabbitmq/dead-letter-message.ts). */
const DEAD_LETTER_BODY_MAX = 256 * 1024;

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

/**
 * The dead letters a replay by filter covers: matching, not replayed yet, whole, and (unless the
 * filter includes them) not themselves replays that died again; after `before`, newest first.
 */
export function replayableMatching<O>(query: DeadLetterQuery<O>, filter: DeadLetterFilter, before: DeadLetterPosition | null = null): DeadLetterQuery<O> {
  let q = matching(query, filter).where('replayed_at', 'is', null).where('body_truncated', '=', false);
  if (!filter.includeReplays) q = q.where('replay_of', 'is', null);
  if (before) q = q.where(sql<boolean>`(created_at, id) < (${before.createdAt}, ${before.id}::uuid)`);
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

/** What a list shows of each body: its first bytes, so that a page of 100 is not 25 MiB. */
export const DEAD_LETTER_PREVIEW_BYTES = 2048;

/** The view's columns with the body's first DEAD_LETTER_PREVIEW_BYTES only, read as such by PostgreSQL. */
export const LIST_COLUMNS = [...VIEW_COLUMNS.filter((c) => c !== 'body'), sql<Buffer>`substring(body from 1 for ${sql.lit(DEAD_LETTER_PREVIEW_BYTES)})`.as('body')] as const;

type ViewRow = Pick<Selectable<DeadLettersTable>, (typeof VIEW_COLUMNS)[number]>;

/** A row as the API shows it; `bodyComplete`: its body column holds the whole stored body (a list cuts it). */
export function deadLetterView(row: ViewRow): DeadLetterView {
  return {
    id: row.id,
    exchange: row.exchange,
    routingKey: row.routing_key,
    queue: row.queue,
    reason: row.reason,
    detail: row.detail,
    body: row.body,
    bodyComplete: row.body.length >= Math.min(row.body_size, DEAD_LETTER_BODY_MAX),
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
