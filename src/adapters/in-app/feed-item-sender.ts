import type { Kysely } from 'kysely';
import type { ChannelSender, OutgoingMessage, RenderedFor } from '../../application/ports/channel-sender.js';
import type { FeedItemView, FeedStream } from '../../application/ports/feed-stream.js';
import type { SendOutcome } from '../../domain/send-outcome.js';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../postgres/database.js';
import { isUnavailable } from '../postgres/pool.js';
import { storableText } from '../postgres/storable-text.js';
import { feedCounts } from './feed-counts.js';

/** The item as stored: what PostgreSQL cannot hold replaced (storableText), as the feed will show it. */
function itemOf(message: OutgoingMessage, content: RenderedFor<'in_app'>): Omit<FeedItemView, 'createdAt'> {
  return {
    id: message.notificationId,
    type: message.notificationType,
    title: storableText(content.title) ?? '',
    body: storableText(content.body) ?? '',
    actionUrl: storableText(content.actionUrl),
    data: Object.fromEntries(Object.entries(content.data).map(([k, v]) => [storableText(k), storableText(v)])),
    seenAt: null,
    readAt: null,
    archivedAt: null,
  };
}

/**
 * The in-app channel's "provider" is the recipient's feed in PostgreSQL: a notification is
 * accepted once its item is stored. The item is keyed by the notification, so a resend (an
 * ambiguous answer, a lease taken over) stores it once, and only the send that stored it tells
 * the recipient's streams (ADR 19). The database being away is the provider being down:
 * deferred, no attempt used.
 */
export class FeedItemSender implements ChannelSender {
  readonly channel = 'in_app' as const;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly stream: FeedStream,
    private readonly logger: Logger,
  ) {}

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const { content } = message;
    if (content.channel !== 'in_app') return { kind: 'permanent', error: `no in-app content (got ${content.channel})`, response: null };
    const item = itemOf(message, content);
    let stored: { created_at: Date } | undefined;
    try {
      stored = await this.db
        .insertInto('feed_items')
        .values({ notification_id: item.id, user_id: message.recipient, type: item.type, title: item.title, body: item.body, action_url: item.actionUrl, data: JSON.stringify(item.data), seen_at: null, read_at: null, archived_at: null })
        .onConflict((c) => c.column('notification_id').doNothing())
        .returning('created_at')
        .executeTakeFirst();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (isUnavailable(error)) return { kind: 'provider_down', error: `the feed store is unavailable: ${reason}`, response: null, attempted: true, configurationFault: false };
      return { kind: 'permanent', error: `the feed store refused the item: ${reason}`, response: null };
    }
    if (stored) await this.announce(message.recipient, { ...item, createdAt: stored.created_at });
    return { kind: 'accepted', response: 'stored in the feed', providerMessageId: message.notificationId };
  }

  /** After the item committed, and outside the send's outcome: a stream not told reads the feed again. */
  private async announce(userId: string, item: FeedItemView): Promise<void> {
    // Nobody to tell (no relay to the other instances now, no stream of the user here): no counts to read.
    if (!this.stream.reaches(userId)) return;
    try {
      const counts = await feedCounts(this.db, userId);
      await this.stream.publish({ kind: 'item', userId, item, counts });
    } catch (error) {
      this.logger.warn({ err: error, notification_id: item.id }, 'the feed item is stored, but its streams could not be told');
    }
  }
}
