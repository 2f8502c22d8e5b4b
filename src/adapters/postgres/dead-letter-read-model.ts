import { sql } from 'kysely';
import type { DeadLetterDetail, DeadLetterPage, DeadLetterPaging, DeadLetterReadModel } from '../../application/ports/dead-letters.js';
import type { DeadLetterFilter, DeadLetterPosition } from '../../domain/dead-letter.js';
import { LIST_COLUMNS, VIEW_COLUMNS, deadLetterView, matching, replayableMatching, withoutKeys } from './dead-letter-rows.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';
import type { ReadRouter } from './read-router.js';
import { isUuid } from './uuid.js';

/** A page's total counts at most this many and one more: beyond, it says "more than 10,000". */
export const DEAD_LETTERS_TOTAL_CAP = 10_000;

/** Served by the standby while it keeps up (ReadRouter): a dead letter just moved may lag by the bound. */
export class KyselyDeadLetterReadModel implements DeadLetterReadModel {
  constructor(private readonly router: ReadRouter) {}

  page(filter: DeadLetterFilter, paging: DeadLetterPaging): Promise<DeadLetterPage> {
    const after = 'cursor' in paging && paging.cursor !== null ? decodeCursor(paging.cursor) : null;
    return this.router.read(async (db) => {
      const filtered = matching(db.selectFrom('dead_letters'), filter);
      let rows = filtered.select(LIST_COLUMNS).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(paging.size + 1);
      if ('page' in paging) rows = rows.offset((paging.page - 1) * paging.size);
      if (after) rows = rows.where(sql<boolean>`(created_at, id) < (${after.createdAt}, ${after.id}::uuid)`);
      const found = await rows.execute();
      const capped = filtered.select('id').limit(DEAD_LETTERS_TOTAL_CAP + 1);
      const { total } = await db.selectFrom(capped.as('capped')).select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
      const items = found.slice(0, paging.size).map(deadLetterView);
      const last = items.at(-1);
      const nextCursor = found.length > paging.size && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
      return { items, total: Math.min(Number(total), DEAD_LETTERS_TOTAL_CAP), totalCapped: Number(total) > DEAD_LETTERS_TOTAL_CAP, nextCursor };
    });
  }

  async find(id: string): Promise<DeadLetterDetail | null> {
    if (!isUuid(id)) return null;
    return this.router.read(async (db) => {
      const row = await db.selectFrom('dead_letters').select(VIEW_COLUMNS).where('id', '=', id).executeTakeFirst();
      if (!row) return null;
      const replays = await db.selectFrom('dead_letters').select('id').where('replay_of', '=', id).orderBy('created_at').orderBy('id').limit(1000).execute();
      return { ...deadLetterView(row), replays: replays.map((r) => r.id) };
    });
  }

  countReplayable(filter: DeadLetterFilter, cap: number, before: DeadLetterPosition | null = null, excludedKeys: readonly string[] = []): Promise<number> {
    return this.router.read(async (db) => {
      const capped = withoutKeys(replayableMatching(db.selectFrom('dead_letters'), filter, before), excludedKeys).select('id').limit(cap);
      const { n } = await db.selectFrom(capped.as('capped')).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      return Number(n);
    });
  }

  /**
   * A loose index scan of dead_letters_routing_key: each step one descent of the index to the next
   * routing key with a row the replay covers, so it reads the keys' first such rows and not all of them.
   */
  replayableRoutingKeys(filter: DeadLetterFilter, max: number): Promise<string[]> {
    return this.router.read(async (db) => {
      const covered = replayableMatching(db.selectFrom('dead_letters'), filter).where('exchange', '<>', '').select('routing_key').orderBy('routing_key').limit(1);
      const next = covered.where('routing_key', '>', sql.ref<string>('keys.routing_key'));
      const { rows } = await sql<{ routing_key: string }>`
        with recursive keys (routing_key) as ((${covered}) union all select (${next}) from keys where keys.routing_key is not null)
        select routing_key from keys where routing_key is not null limit ${max}`.execute(db);
      return rows.map((r) => r.routing_key);
    });
  }
}
