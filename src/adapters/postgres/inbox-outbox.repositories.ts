import type { Kysely } from 'kysely';
import type { OutboundEvent } from '../../application/ports/event-publisher.js';
import type { InboxRepository, InboxVerdict, OutboxRepository } from '../../application/ports/repositories.js';
import type { Database } from './database.js';

export class KyselyInboxRepository implements InboxRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(eventId: string, payloadHash: string, eventType: string, at: Date): Promise<InboxVerdict> {
    // A concurrent transaction inserting the same id makes this wait for its outcome, then do nothing.
    const inserted = await this.db
      .insertInto('inbox')
      .values({ event_id: eventId, payload_hash: payloadHash, event_type: eventType, received_at: at })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (inserted) return 'new';
    const first = await this.db.selectFrom('inbox').select('payload_hash').where('event_id', '=', eventId).executeTakeFirstOrThrow();
    return first.payload_hash === payloadHash ? 'duplicate' : 'conflict';
  }
}

export class KyselyOutboxRepository implements OutboxRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async add(events: readonly OutboundEvent[], at: Date): Promise<void> {
    if (events.length === 0) return;
    await this.db
      .insertInto('outbox')
      .values(
        events.map((e) => ({
          id: e.eventId,
          event_type: e.className,
          routing_key: e.routingKey,
          correlation_id: e.correlationId,
          payload: JSON.stringify(e.body),
          to_own_queue: e.toOwnQueue === true,
          created_at: at,
        })),
      )
      .execute();
  }
}
