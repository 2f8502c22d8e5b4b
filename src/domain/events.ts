import type { DeliverySettingsFields } from './delivery-settings.js';
import type { FailureReason, StatusReason } from './notification-status.js';
import type { BuiltInType, Channel, NotificationType } from './notification-type.js';
import type { Priority } from './priority.js';
import type { RejectedAddress } from './send-outcome.js';

/** One on/off flag per built-in type (seed 002's preferences). */
export type PreferenceFlags = Readonly<Record<BuiltInType, boolean>>;

/** A profile's contact points as its events carry them: never a webhook secret. */
export interface ContactPointFields {
  readonly phoneNumber: string | null;
  readonly pushTokens: readonly string[];
  readonly webhookUrl: string | null;
  /** Set while the endpoint is disabled (it answered 410). */
  readonly webhookDisabledAt: Date | null;
}

/** Domain events: plain readonly data, one union. */
export type DomainEvent =
  | ({
      readonly type: 'NotificationPreferencesCreated';
      readonly userId: string;
      readonly notificationEmail: string;
      readonly preferences: PreferenceFlags;
      /** Known when a user.registered event created them; the welcome email greets by name. */
      readonly username: string | null;
    } & ContactPointFields &
      DeliverySettingsFields)
  | ({
      readonly type: 'NotificationPreferencesUpdated';
      readonly userId: string;
      readonly notificationEmail: string;
      /** The address before the change: the security alert always reaches it. */
      readonly previousEmail: string;
      readonly preferences: PreferenceFlags;
    } & ContactPointFields &
      DeliverySettingsFields)
  | {
      /** Internal: a notification was recorded, to send (`pending`) or not (`suppressed`). Not published. */
      readonly type: 'NotificationRecorded';
      readonly notificationId: string;
      readonly notificationType: NotificationType;
      readonly channel: Channel;
      readonly priority: Priority;
      readonly status: 'pending' | 'scheduled' | 'suppressed';
      readonly reason: StatusReason | null;
    }
  | {
      readonly type: 'NotificationSent';
      readonly notificationId: string;
      readonly userId: string | null;
      readonly notificationType: NotificationType;
      readonly channel: Channel;
      readonly recipient: string;
      readonly correlationId: string | null;
      /** The provider's id for it (Twilio's sid, FCM's message name, the SMTP queue id), when it gave one. */
      readonly providerMessageId: string | null;
      /** From the notification's creation to the provider's answer accepting it (what analytics chart). */
      readonly deliveryTimeMs: number;
    }
  | {
      readonly type: 'NotificationFailed';
      readonly notificationId: string;
      readonly userId: string | null;
      readonly notificationType: NotificationType;
      readonly channel: Channel;
      readonly recipient: string;
      readonly reason: FailureReason;
      readonly errorMessage: string;
      readonly retryCount: number;
      readonly correlationId: string | null;
    }
  | {
      /**
       * Internal, handled in the same transaction: a `first`-routed notification failed for good,
       * so the next of `channels` is tried with the same request. Carries the variables as asked
       * (one-time secrets included): never published, never stored.
       */
      readonly type: 'FallbackDue';
      readonly notificationId: string;
      readonly userId: string | null;
      readonly notificationType: NotificationType;
      readonly channels: readonly Channel[];
      /** The template version the request was checked against and renders with (null: the live one). */
      readonly templateVersion: number | null;
      readonly content: { readonly subject: string | null; readonly body: string | null; readonly templateVars: Readonly<Record<string, unknown>> };
      readonly priority: Priority;
      readonly locale: string | null;
      readonly expiresAt: Date | null;
      readonly correlationId: string | null;
      readonly sourceEventId: string | null;
    }
  | {
      /** Internal: the provider said these addresses are dead (see send-outcome.ts); not published. */
      readonly type: 'AddressesRejected';
      readonly notificationId: string;
      readonly userId: string | null;
      readonly channel: Channel;
      readonly addresses: readonly RejectedAddress[];
      readonly at: Date;
    }
  | {
      /** Internal: items of a user's in-app feed were seen, read, unread, archived or unarchived; not published. */
      readonly type: 'FeedChanged';
      readonly userId: string;
    };

export type DomainEventType = DomainEvent['type'];
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
