import type { Kysely } from 'kysely';
import type { ChannelSender, OutgoingMessage } from '../../application/ports/channel-sender.js';
import type { SendOutcome } from '../../domain/send-outcome.js';
import type { Database } from '../postgres/database.js';
import { isUnavailable } from '../postgres/pool.js';
import { storableText } from '../postgres/storable-text.js';

/**
 * The in-app channel's "provider" is the recipient's feed in PostgreSQL: a notification is
 * accepted once its item is stored. The item is keyed by the notification, so a resend (an
 * ambiguous answer, a lease taken over) stores it once. The database being away is the provider
 * being down: deferred, no attempt used.
 */
export class FeedItemSender implements ChannelSender {
  readonly channel = 'in_app' as const;

  constructor(private readonly db: Kysely<Database>) {}

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const { content } = message;
    if (content.channel !== 'in_app') return { kind: 'permanent', error: `no in-app content (got ${content.channel})`, response: null };
    try {
      await this.db
        .insertInto('feed_items')
        .values({
          notification_id: message.notificationId,
          user_id: message.recipient,
          type: message.notificationType,
          title: storableText(content.title) ?? '',
          body: storableText(content.body) ?? '',
          action_url: storableText(content.actionUrl),
          data: JSON.stringify(Object.fromEntries(Object.entries(content.data).map(([k, v]) => [storableText(k), storableText(v)]))),
          seen_at: null,
          read_at: null,
          archived_at: null,
        })
        .onConflict((c) => c.column('notification_id').doNothing())
        .execute();
      return { kind: 'accepted', response: 'stored in the feed', providerMessageId: message.notificationId };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (isUnavailable(error)) return { kind: 'provider_down', error: `the feed store is unavailable: ${reason}`, response: null, attempted: true, configurationFault: false };
      return { kind: 'permanent', error: `the feed store refused the item: ${reason}`, response: null };
    }
  }
}
