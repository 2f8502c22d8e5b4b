import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { StreamTicketStore } from '../../application/ports/stream-access.js';
import type { Database } from './database.js';

/**
 * On the primary: a ticket saved by one instance is redeemed on another at once (a standby could
 * lag past its 30 s). The check and the use are one statement, so two instances racing for the
 * same ticket cannot both win, and expiry is the database's clock, the same for every instance.
 */
export class KyselyStreamTicketStore implements StreamTicketStore {
  constructor(private readonly primary: Kysely<Database>) {}

  async save(hash: string, expiresAt: Date): Promise<void> {
    await this.primary.insertInto('ws_tickets').values({ hash, expires_at: expiresAt }).execute();
  }

  async consume(hash: string): Promise<boolean> {
    const row = await this.primary.deleteFrom('ws_tickets').where('hash', '=', hash).where('expires_at', '>', sql<Date>`now()`).returning('hash').executeTakeFirst();
    return row !== undefined;
  }
}
