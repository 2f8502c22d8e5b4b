import type { Kysely, Selectable } from 'kysely';
import type { Suppressions } from '../../application/ports/suppressions.js';
import type { Channel } from '../../domain/notification-type.js';
import type { Suppression, SuppressedAddressReason } from '../../domain/suppression.js';
import type { Database, SuppressionsTable } from './database.js';
import { isUuid } from './uuid.js';

/** The table's checks hold channel and reason to the domain's lists. */
export function suppressionOf(row: Selectable<SuppressionsTable>): Suppression {
  const { id, address, source } = row;
  return { id, channel: row.channel as Channel, address, reason: row.reason as SuppressedAddressReason, source, createdAt: row.created_at };
}

export class KyselySuppressions implements Suppressions {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * One statement decides: the unique (channel, address) key. A concurrent add of the same address
   * waits for the first transaction, then reads its row.
   */
  async add(s: Suppression): Promise<Suppression> {
    const inserted = await this.db
      .insertInto('suppressions')
      .values({ id: s.id, channel: s.channel, address: s.address, reason: s.reason, source: s.source, created_at: s.createdAt })
      .onConflict((oc) => oc.columns(['channel', 'address']).doNothing())
      .returningAll()
      .executeTakeFirst();
    const stored = inserted ?? (await this.find(s.channel, s.address).executeTakeFirstOrThrow());
    return suppressionOf(stored);
  }

  async isSuppressed(channel: Channel, address: string): Promise<boolean> {
    return (await this.find(channel, address).executeTakeFirst()) !== undefined;
  }

  async lift(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const result = await this.db.deleteFrom('suppressions').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  private find(channel: Channel, address: string) {
    return this.db.selectFrom('suppressions').selectAll().where('channel', '=', channel).where('address', '=', address);
  }
}
