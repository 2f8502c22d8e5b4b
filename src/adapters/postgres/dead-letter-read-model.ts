import { sql } from 'kysely';
import type { DeadLetterDetail, DeadLetterPage, DeadLetterPaging, DeadLetterReadModel } from '../../application/ports/dead-letters.js';
import type { DeadLetterFilter, DeadLetterPosition } from '../../domain/dead-letter.js';
import { LIST_COLUMNS, VIEW_COLUMNS, deadLetterView, matching, replayableMatching } from './dead-letter-rows.js';
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

  countReplayable(filter: DeadLetterFilter, cap: number, before: DeadLetterPosition | null = null): Promise<number> {
    return this.router.read(async (db) => {
      const capped = replayableMatching(db.selectFrom('dead_letters'), filter, before).select('id').limit(cap);
      const { n } = await db.selectFrom(capped.as('capped')).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      return Number(n);
    });
  }
}
