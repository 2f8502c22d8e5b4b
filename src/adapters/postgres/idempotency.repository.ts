import { type Kysely, sql } from 'kysely';
import type { IdempotencyClaim, IdempotencyRepository } from '../../application/ports/repositories.js';
import type { Database } from './database.js';

/**
 * Keys are claimed with a transaction-scoped advisory lock: a second request with the same key
 * while the first is still running finds the lock taken and is told so at once, instead of
 * waiting on the first one's row lock.
 */
export class KyselyIdempotencyRepository implements IdempotencyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async claim(key: string, requestHash: string): Promise<IdempotencyClaim> {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${key}, 0)) as locked`.execute(this.db);
    if (!rows[0]?.locked) return { kind: 'in_flight' };
    const row = await this.db.selectFrom('idempotency_keys').select(['request_hash', 'response']).where('key', '=', key).executeTakeFirst();
    if (!row) return { kind: 'new' };
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    return row.response ? { kind: 'replay', response: row.response } : { kind: 'in_flight' };
  }

  async complete(key: string, requestHash: string, response: Readonly<Record<string, unknown>>, at: Date): Promise<void> {
    await this.db
      .insertInto('idempotency_keys')
      .values({ key, request_hash: requestHash, status: 202, response: JSON.stringify(response), created_at: at })
      .execute();
  }
}
