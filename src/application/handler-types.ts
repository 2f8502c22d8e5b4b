import type { CommandOf, CommandType } from '../domain/commands.js';
import type { DomainEventType, EventOf } from '../domain/events.js';
import type { UnitOfWork } from './ports/unit-of-work.js';
import type { FeedCounts, FeedItemView } from './ports/feed-stream.js';
import type { PreferencesView } from './ports/read-models.js';
import type { ApiKeyScope } from '../domain/api-key-scope.js';
import type { NotificationStatus } from '../domain/notification-status.js';
import type { Suppression } from '../domain/suppression.js';
import type { FailedPosition } from '../domain/bulk-retry.js';
import type { DeadLetterPosition } from '../domain/dead-letter.js';

export interface CreatedApiKey {
  readonly id: string;
  readonly name: string;
  /** Shown once; only its hash is stored. */
  readonly key: string;
  readonly scopes: readonly ApiKeyScope[];
  readonly createdAt: Date;
}

/** What each command's handler returns to the caller of `bus.handle`. */
export interface NotificationStatusResult {
  readonly notificationId: string;
  readonly status: NotificationStatus;
}

/** What a request recorded: its first notification, and all of them (one per routed channel). */
export interface RequestedResult extends NotificationStatusResult {
  readonly notificationIds?: readonly string[];
}

/** A template version saved or published, and whether it is the live one now. */
export interface TemplateVersionResult {
  readonly key: string;
  readonly version: number;
  readonly status: 'live' | 'draft';
}

/** Preferences as a write answers them: with the webhook secret minted by this write, shown this once. */
export interface PreferencesWritten extends PreferencesView {
  readonly webhookSecret: string | null;
}

/** A rotated webhook secret, shown once; the previous one signs until `previousExpiresAt`. */
export interface RotatedWebhookSecret {
  readonly userId: string;
  readonly webhookUrl: string;
  readonly webhookSecret: string;
  readonly previousExpiresAt: Date;
}

/** What recording a send did to its notification; 'claim_lost' when the claim was no longer held. */
export type RecordedStatus = NotificationStatus | 'claim_lost';

export interface CommandResults {
  CreatePreferences: PreferencesWritten;
  ReplacePreferences: { readonly created: boolean; readonly preferences: PreferencesWritten };
  CreateApiKey: CreatedApiKey;
  RevokeApiKey: void;
  ReceiveEvent: { readonly outcome: 'processed' | 'duplicate'; readonly notificationIds: readonly string[] };
  /**
   * The first notification, and every one a routed send recorded (in routing order); an answer
   * stored by an Idempotency-Key before routing has no `notificationIds`.
   */
  SendNotification: RequestedResult;
  /** One result per item, in the batch's order. */
  SendBatch: { readonly results: readonly RequestedResult[] };
  /** One status per report, in order; 'claim_lost' where another worker took the claim over. */
  RecordSendReports: readonly RecordedStatus[];
  AbandonClaim: RecordedStatus;
  /** `sending`: it goes; `suppressed`: the recipient's choices now say no; 'claim_lost'. */
  RecheckHeld: RecordedStatus;
  /** `fallbacks`: the notifications the failed one fell back to (the user may have it there already). */
  RetryNotification: NotificationStatusResult & { readonly retryOf: string; readonly fallbacks: readonly string[] };
  /** Each retry made, with the failed notification it retries; where the walk stopped, and whether it is over. */
  RetryFailedNotifications: {
    readonly retried: ReadonlyArray<{ readonly notificationId: string; readonly retryOf: string }>;
    readonly last: FailedPosition | null;
    readonly exhausted: boolean;
  };
  /** The id the published event carries. */
  PublishEvent: { readonly eventId: string };
  /** `unknown`: no notification of ours has that provider id (or it was never sent: nothing to record). */
  RecordDeliveryReceipt: { readonly outcome: 'recorded' | 'unknown'; readonly notificationId: string | null };
  CreateTemplate: TemplateVersionResult;
  SaveTemplateDraft: TemplateVersionResult;
  PublishTemplateVersion: TemplateVersionResult;
  /** The keys stored now (types already stored are left as they are). */
  SeedTemplates: readonly string[];
  RotateWebhookSecret: RotatedWebhookSecret;
  /** `created` false: the address was suppressed already, and `suppression` is that first one. */
  AddSuppression: { readonly suppression: Suppression; readonly created: boolean };
  LiftSuppression: void;
  /** The item as the change left it, and the counts after it (read in the write's transaction: never stale). */
  ChangeFeedItem: { readonly item: FeedItemView; readonly counts: FeedCounts };
  /** How many items the change touched, and the counts after it. */
  ReadAllFeedItems: FeedBulkChange;
  MarkFeedSeen: FeedBulkChange;
  /** `duplicate`: the message was stored before (a redelivery after a crash between commit and ack). */
  StoreDeadLetter: { readonly outcome: 'stored' | 'duplicate' };
  ReplayDeadLetter: { readonly id: string; readonly replayedAt: Date };
  ReplayDeadLetters: {
    readonly count: number;
    /** The dead letters replayed. */
    readonly ids: readonly string[];
    readonly bytes: number;
    /** How many dead letters the chunk looked at: those replayed and those skipped (unroutable). */
    readonly looked: number;
    /** The last dead letter the chunk looked at: the next chunk starts after it; null when it found none. */
    readonly last: DeadLetterPosition | null;
    /** Nothing more matched after `last`. */
    readonly exhausted: boolean;
    /** Routing keys of dead letters skipped: no binding of the service routes them. */
    readonly unroutable: readonly string[];
  };
  DiscardDeadLetter: void;
}

export interface FeedBulkChange {
  readonly changed: number;
  readonly counts: FeedCounts;
}

export type CommandHandler<K extends CommandType> = (command: CommandOf<K>, uow: UnitOfWork) => Promise<CommandResults[K]>;

export interface EventHandler<K extends DomainEventType> {
  /** Names the handler in logs and metrics when it fails. */
  readonly name: string;
  handle(event: EventOf<K>, uow: UnitOfWork): Promise<void>;
}

export type EventHandlers = { readonly [K in DomainEventType]: ReadonlyArray<EventHandler<K>> };

/** Mapped types: a command without a handler, or an event without an entry, does not compile. */
export interface HandlerRegistry {
  readonly commands: { readonly [K in CommandType]: CommandHandler<K> };
  /**
   * Reactions run inside the transaction that raised the event: their writes (a notification to
   * send) commit with the cause or not at all, so a crash between the two loses nothing. A failing
   * reaction fails the cause.
   */
  readonly reactions: EventHandlers;
  /** After-commit handlers, each in its own unit of work: only for effects that may be lost. */
  readonly events: EventHandlers;
}
