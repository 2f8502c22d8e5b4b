import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { StreamTicketStore } from '../../application/ports/stream-access.js';
import type { Database } from './database.js';

/**
 * On the primary: a ticket saved by one instance is redeemed on another at once (a standby could
 * lag past its 30 s). Expiry is the database's clock, when issued as when redeemed, so no
 * instance's clock matters; the check and the use are one statement, so two instances racing for
 * the same ticket cannot both win.
 */
export class KyselyStreamTicketStore implements StreamTicketStore {
  constructor(private readonly primary: Kysely<Database>) {}

  async save(hash: string, keyId: string, ttlMs: number): Promise<Date> {
    const row = await this.primary
      .insertInto('ws_tickets')
      .values({ hash, key_id: keyId, expires_at: sql<Date>`now() + make_interval(secs => ${ttlMs / 1000})` })
      .returning('expires_at')
      .executeTakeFirstOrThrow();
    return row.expires_at;
  }

  async consume(hash: string): Promise<string | null> {
    const row = await this.primary
      .deleteFrom('ws_tickets')
      .where('hash', '=', hash)
      .where('key_id', 'is not', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .returning('key_id')
      .executeTakeFirst();
    return row?.key_id ?? null;
  }
}
