import type { NotificationSnapshot } from '../../domain/notification-request.js';
import type { NotificationStatus } from '../../domain/notification-status.js';
import type { Channel, NotificationType } from '../../domain/notification-type.js';
import type { NotificationView } from './read-models.js';

/** What GET /notifications filters by; null: any. Every filter given must hold (they combine with and). */
export interface NotificationFilter {
  readonly userId: string | null;
  readonly recipient: string | null;
  readonly status: NotificationStatus | null;
  readonly type: NotificationType | null;
  readonly channel: Channel | null;
  readonly orderId: string | null;
  /** Created at or after this instant. */
  readonly createdFrom: Date | null;
  /** Created before this instant (exclusive). */
  readonly createdTo: Date | null;
}

/** One page: after `cursor` (one this read model issued), or `offset` rows from the newest; `limit` rows at most. */
export interface SearchWindow {
  readonly limit: number;
  readonly offset: number;
  readonly cursor: string | null;
}

export interface SearchPage {
  /** Newest first (created_at, then id). */
  readonly notifications: readonly NotificationView[];
  /** Opaque; where the next page starts; null on the last page. */
  readonly nextCursor: string | null;
}

/** An event published about a notification (an outbox row naming it), while the outbox keeps it (72 h). */
export interface PublishedEventView {
  readonly eventType: string;
  readonly routingKey: string;
  readonly createdAt: Date;
  readonly publishedAt: Date | null;
}

/** Everything stored about one notification, and what links to it. */
export interface NotificationRecord {
  readonly snapshot: NotificationSnapshot;
  /** The notification an admin's retry of this one created (at most one). */
  readonly retriedBy: string | null;
  /** The notifications that fell back from this one (a `first` route), oldest first. */
  readonly fallbacks: readonly string[];
  /** Oldest first. */
  readonly events: readonly PublishedEventView[];
}

/** Read side of the notification search (ADR 23): may be served by the standby, so it may lag the primary. */
export interface NotificationSearchReadModel {
  /** Throws InvalidValueError('cursor') for a cursor it did not issue. */
  search(filter: NotificationFilter, window: SearchWindow): Promise<SearchPage>;
  /** Null for an unknown id, and for one that cannot be an id. */
  record(notificationId: string): Promise<NotificationRecord | null>;
  /** The notification types there are (one per template). */
  types(): Promise<readonly NotificationType[]>;
}
