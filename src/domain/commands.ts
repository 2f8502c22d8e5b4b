import type { ApiKeyScope } from './api-key-scope.js';
import type { Acting } from './audit.js';
import type { DeadLetterFilter, DeadLetterMessage, DeadLetterPosition } from './dead-letter.js';
import type { FailedFilter, FailedPosition } from './bulk-retry.js';
import type { FeedItemChange } from './feed-item.js';
import type { Channel, NotificationType } from './notification-type.js';
import type { Priority } from './priority.js';
import type { SendOutcome } from './send-outcome.js';
import type { TemplateDefinition } from './template-definition.js';

/** An upstream event, parsed and validated by the consumer (README "Events in and out"). */
export type InboundEvent =
  | { readonly kind: 'UserRegistered'; readonly userId: string; readonly username: string; readonly email: string }
  | {
      readonly kind: 'NotificationRequested';
      readonly notificationType: NotificationType;
      /** null: a generic request naming only its recipient. */
      readonly userId: string | null;
      /** null: the type's channels as the user's profile routes them (without a user: email). */
      readonly channel: Channel | null;
      /** The address in the event (for email: unless the user stored a notification email); null: the profile's. */
      readonly recipient: string | null;
      readonly templateVars: Readonly<Record<string, unknown>>;
      /** How the event named its variables: problems are reported under it. */
      readonly variablesField: string;
      /** A generic request's own wording, used instead of the template's. */
      readonly subject: string | null;
      readonly content: string | null;
      /** The event's own `priority`; null: the type's default. */
      readonly priority: Priority | null;
      readonly locale: string | null;
      /** Not sent after this instant. */
      readonly expiresAt: Date | null;
      /** Sent at this instant, when it is still ahead (the event becomes a one-off schedule). */
      readonly sendAt: Date | null;
    };

/** What one send came to, for the notification its worker claimed with `claimToken`. */
export interface SendReport {
  readonly notificationId: string;
  readonly claimToken: string;
  readonly outcome: SendOutcome;
  readonly attemptedAt: Date;
  readonly latencyMs: number;
}

/** One send asked for over REST, in whichever body shape it came. */
export interface SendFields {
  readonly notificationType: NotificationType;
  /** null: the type's channels as the user's profile routes them (without a user: email). */
  readonly channel: Channel | null;
  /** The address on that channel; null: the contact point the user's profile holds (userId is then required). */
  readonly recipient: string | null;
  readonly userId: string | null;
  readonly subject: string | null;
  readonly content: string | null;
  readonly templateVars: Readonly<Record<string, unknown>>;
  /** How the caller named the variables (template_vars, variables, message_data): problems name it. */
  readonly variablesField: string;
  /** null: the type's default priority. */
  readonly priority: Priority | null;
  readonly locale: string | null;
  readonly expiresAt: Date | null;
}

/** Idempotency-Key (scoped to the caller) and a hash of the request body. */
export interface RequestIdempotency {
  readonly key: string;
  readonly requestHash: string;
}

/** A profile's contact points as the caller sent them (each command says what absent and null mean). */
export interface ContactPointInput {
  readonly phoneNumber?: string | null;
  readonly pushTokens?: readonly string[] | null;
  readonly webhookUrl?: string | null;
}

/**
 * A profile's delivery settings as the caller sent them (each command says what absent and null
 * mean); the handler checks each value and that every overridden type exists.
 */
export interface DeliverySettingsInput {
  readonly language?: string | null;
  readonly timeZone?: string | null;
  readonly quietHours?: { readonly start: string; readonly end: string } | null;
  readonly channels?: Readonly<Record<string, unknown>> | null;
  readonly overrides?: Readonly<Record<string, unknown>> | null;
}

/**
 * Commands: plain readonly data, one union. Fields arrive as the caller sent them; handlers turn
 * them into value objects, so an invalid value fails with the field's name.
 */
export type Command =
  | (ContactPointInput &
      DeliverySettingsInput & Acting & {
        /** Absent or null contact points and settings: none (every channel on). */
        readonly type: 'CreatePreferences';
        /** null: a new id (a UUID), as POST /v1/users without user_id asks. */
        readonly userId: string | null;
        readonly notificationEmail: string;
        readonly preferences: Readonly<Record<string, boolean>>;
      })
  | (ContactPointInput &
      DeliverySettingsInput & Acting & {
        /** An absent contact point or setting is kept as stored; null (or no push tokens) clears it. */
        readonly type: 'ReplacePreferences';
        readonly userId: string;
        readonly notificationEmail: string;
        readonly preferences: Readonly<Record<string, boolean>>;
      })
  | Acting & {
      readonly type: 'CreateApiKey';
      readonly name: string;
      readonly scopes: readonly ApiKeyScope[];
    }
  | Acting & {
      readonly type: 'RevokeApiKey';
      readonly apiKeyId: string;
    }
  | {
      readonly type: 'ReceiveEvent';
      /** The de-duplication key: event_id, else the AMQP message id, else a hash of the body. */
      readonly eventId: string;
      readonly payloadHash: string;
      readonly eventType: string;
      readonly event: InboundEvent;
      readonly correlationId: string | null;
    }
  | (SendFields & {
      readonly type: 'SendNotification';
      readonly correlationId: string | null;
      readonly idempotency: RequestIdempotency | null;
    })
  | {
      /** Several sends recorded in one transaction, or none of them when any item is refused. */
      readonly type: 'SendBatch';
      readonly items: readonly SendFields[];
      readonly correlationId: string | null;
      readonly idempotency: RequestIdempotency | null;
    }
  | {
      /** Several sends' outcomes, recorded in one transaction (each on its own notification). */
      readonly type: 'RecordSendReports';
      readonly reports: readonly SendReport[];
    }
  | {
      /**
       * A claimed notification that must not be sent: its claim was taken over once too often
       * (`lease_expired`), or its time to live ran out (`expired`). It fails instead.
       */
      readonly type: 'AbandonClaim';
      readonly notificationId: string;
      readonly claimToken: string;
      readonly reason: 'lease_expired' | 'expired';
    }
  | {
      /**
       * A notification held for quiet hours was claimed: the recipient's choices may have changed
       * since (an opt-out, a STOP). Suppressed if they now say no; otherwise it stays claimed.
       */
      readonly type: 'RecheckHeld';
      readonly notificationId: string;
      readonly claimToken: string;
    }
  | Acting & {
      /** A new type's template, from outside: held to the safe grammar; version 1 is live. */
      readonly type: 'CreateTemplate';
      readonly key: string;
      readonly definition: TemplateDefinition;
    }
  | {
      /** A new version of a type's template, a draft until published. */
      readonly type: 'SaveTemplateDraft';
      readonly key: string;
      readonly definition: TemplateDefinition;
    }
  | Acting & {
      /** Makes a version live (an older one: a rollback). */
      readonly type: 'PublishTemplateVersion';
      readonly key: string;
      readonly version: number;
    }
  | {
      /** The templates shipped with the release, stored as version 1 of each type not stored yet. */
      readonly type: 'SeedTemplates';
      readonly templates: ReadonlyArray<{ readonly key: string; readonly definition: TemplateDefinition }>;
    }
  | Acting & {
      readonly type: 'RetryNotification';
      readonly notificationId: string;
    }
  | Acting & {
      /**
       * One chunk of a bulk retry (ADR 28): up to `limit` failed notifications that match, after
       * `after` in the walk, each retried as RetryNotification would. `run` names the bulk retry.
       */
      readonly type: 'RetryFailedNotifications';
      readonly run: string;
      readonly filter: FailedFilter;
      readonly after: FailedPosition | null;
      readonly limit: number;
    }
  | {
      /**
       * An event the consumer would accept, published to the service's own queue through the
       * outbox (ADR 28). `body` is the message without its `event_id`, which the handler gives it;
       * `event` is what the consumer will make of it, checked against the templates and profiles
       * first. Only requests for notifications: an event that writes a profile is not published so.
       */
      readonly type: 'PublishEvent';
      readonly routingKey: string;
      readonly eventType: string;
      readonly body: Readonly<Record<string, unknown>>;
      readonly event: Extract<InboundEvent, { kind: 'NotificationRequested' }>;
      readonly correlationId: string;
      readonly idempotency: RequestIdempotency | null;
    }
  | {
      /** A provider's report on a message it accepted (an SMS status callback). */
      readonly type: 'RecordDeliveryReceipt';
      readonly channel: Channel;
      readonly providerMessageId: string;
      readonly status: 'delivered' | 'undelivered';
      readonly errorCode: string | null;
    }
  // Contact points and suppressions (ADR 17).
  | Acting & {
      /** A new secret for the user's webhook endpoint; the current one signs 24 hours more. */
      readonly type: 'RotateWebhookSecret';
      readonly userId: string;
    }
  | {
      /** An address not to send to on a channel; adding one already there keeps the first. */
      readonly type: 'AddSuppression';
      readonly channel: string;
      readonly address: string;
      readonly reason: string;
      readonly source: string;
    }
  | Acting & {
      readonly type: 'LiftSuppression';
      readonly suppressionId: string;
    }
  // The in-app feed (ADR 21): a user's own items, never another user's.
  | {
      readonly type: 'ChangeFeedItem';
      readonly userId: string;
      readonly itemId: string;
      readonly change: FeedItemChange;
    }
  | {
      /** Every unread item that is not archived becomes read (and seen). */
      readonly type: 'ReadAllFeedItems';
      readonly userId: string;
    }
  | {
      /** Every item becomes seen: what opening the bell does (the unseen count drops to 0; unread ones stay unread). */
      readonly type: 'MarkFeedSeen';
      readonly userId: string;
    }
  // Dead letters (docs/adr/0024-dead-letters-as-rows.md).
  | {
      /** A message of the dead-letter queue, stored once however often it is delivered. */
      readonly type: 'StoreDeadLetter';
      readonly message: DeadLetterMessage;
    }
  | Acting & {
      /** Published again through the outbox with its routing key and `x-replayed-from`. */
      readonly type: 'ReplayDeadLetter';
      readonly deadLetterId: string;
      /** The service queue's bindings: a routing key none of them routes is refused. Null: no check. */
      readonly bindings?: readonly string[] | null;
    }
  | Acting & {
      /**
       * One chunk of a replay by filter: the dead letters the filter matches not replayed yet, newest
       * first after `before`, at most `maxRows` of them looked at and `maxBytes` of body replayed (one
       * at least); those whose routing key no binding routes are skipped, and count toward `maxRows`.
       */
      readonly type: 'ReplayDeadLetters';
      readonly filter: DeadLetterFilter;
      readonly before: DeadLetterPosition | null;
      readonly maxRows: number;
      readonly maxBytes: number;
      readonly bindings?: readonly string[] | null;
    }
  | Acting & {
      readonly type: 'DiscardDeadLetter';
      readonly deadLetterId: string;
    };

export type CommandType = Command['type'];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;
