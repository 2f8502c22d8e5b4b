import type { Channel, NotificationType } from './notification-type.js';

export type PreferenceFlags = Readonly<Record<NotificationType, boolean>>;

/** Domain events: plain readonly data, one union (STYLE rule 2). */
export type DomainEvent =
  | {
      readonly type: 'NotificationPreferencesCreated';
      readonly userId: string;
      readonly notificationEmail: string;
      readonly preferences: PreferenceFlags;
      /** Known when a user.registered event created them; the welcome email greets by name. */
      readonly username: string | null;
    }
  | {
      readonly type: 'NotificationPreferencesUpdated';
      readonly userId: string;
      readonly notificationEmail: string;
      readonly preferences: PreferenceFlags;
    }
  | {
      /** Internal: a notification was recorded, to send (`pending`) or not (`suppressed`). Not published. */
      readonly type: 'NotificationRequested';
      readonly notificationId: string;
      readonly notificationType: NotificationType;
      readonly channel: Channel;
      readonly status: 'pending' | 'suppressed';
      readonly reason: string | null;
    }
  | {
      readonly type: 'NotificationSent';
      readonly notificationId: string;
      readonly userId: string | null;
      readonly notificationType: NotificationType;
      readonly channel: Channel;
      readonly recipient: string;
      readonly correlationId: string | null;
    }
  | {
      readonly type: 'NotificationFailed';
      readonly notificationId: string;
      readonly userId: string | null;
      readonly notificationType: NotificationType;
      readonly channel: Channel;
      readonly recipient: string;
      readonly errorMessage: string;
      readonly retryCount: number;
      readonly correlationId: string | null;
    };

export type DomainEventType = DomainEvent['type'];
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
