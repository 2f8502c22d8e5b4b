import type { Channel } from '../../domain/notification-type.js';
import type { FailedFilter, FailedPosition } from '../../domain/bulk-retry.js';
import type { ApiKeyScope } from '../../domain/api-key-scope.js';
import type { NotificationPreferences } from '../../domain/notification-preferences.js';
import type { NotificationRequest } from '../../domain/notification-request.js';
import type { Schedule } from '../../domain/schedule.js';
import type { Template } from '../../domain/template.js';
import type { UserId } from '../../domain/user-id.js';
import type { OutboundEvent } from './event-publisher.js';

/** Repositories live inside one unit of work's transaction; they never open their own. */
export interface PreferencesRepository {
  get(userId: UserId): Promise<NotificationPreferences | null>;
  /** Throws PreferencesAlreadyExistError when the user already has preferences. */
  add(preferences: NotificationPreferences): Promise<void>;
  /** Throws ConcurrentModificationError when the stored version moved since the load. */
  save(preferences: NotificationPreferences): Promise<void>;
}

export interface NotificationRepository {
  get(id: string): Promise<NotificationRequest | null>;
  /** Several at once (those that exist), each locked like `get`. */
  getMany(ids: readonly string[]): Promise<Map<string, NotificationRequest>>;
  add(notification: NotificationRequest): Promise<void>;
  /** Stores what changed in each, in one write however many there are. */
  save(...notifications: NotificationRequest[]): Promise<void>;
  /** The id of the notification that retries `failedId`, or null when it was never retried. */
  retryOf(failedId: string): Promise<string | null>;
  /** The notifications that fell back from `id` (its `first` route's later channels), oldest first. */
  fallbacksOf(id: string): Promise<string[]>;
  /** The notification the provider knows by this id (a delivery receipt names it), locked like `get`. */
  byProviderMessageId(channel: Channel, providerMessageId: string): Promise<NotificationRequest | null>;
  /**
   * The next failed notifications a bulk retry takes (FailedFilter), oldest failure first after
   * `after`, at most `limit`, each locked like `get` and never retried, not even by a transaction
   * that committed while this one waited; those another transaction holds are skipped. `last`: where
   * this walk stopped (null: nothing was left).
   */
  failedToRetry(filter: FailedFilter, after: FailedPosition | null, limit: number): Promise<FailedChunk>;
}

export interface FailedChunk {
  readonly notifications: readonly NotificationRequest[];
  readonly last: FailedPosition | null;
  /** Fewer than `limit` rows were left to look at: the walk is over. */
  readonly exhausted: boolean;
}

export interface TemplateRepository {
  /** Locked for the rest of the transaction: a template is loaded here only to change it. */
  get(key: string): Promise<Template | null>;
  /** TemplateAlreadyExistsError when the key is taken. */
  add(template: Template): Promise<void>;
  /** Stores the new versions and the live one; ConcurrentModificationError if a version was saved meanwhile. */
  save(template: Template): Promise<void>;
}

/** What firing an occurrence came to: the notifications it requested, or why its request was refused. */
export type OccurrenceOutcome = { readonly notificationIds: readonly string[] } | { readonly refusal: string };

export interface ScheduleRepository {
  /** Locked for the rest of the transaction: a schedule is loaded here only to change it. Null for an unknown id. */
  get(id: string): Promise<Schedule | null>;
  add(schedule: Schedule): Promise<void>;
  save(schedule: Schedule): Promise<void>;
  /** Up to `limit` active schedules due at `now`, earliest first, each locked; those another transaction holds are skipped. */
  claimDue(now: Date, limit: number): Promise<Schedule[]>;
  /**
   * Takes the key of one occurrence (schedule and scheduled instant). True: this transaction is the
   * first to, and fires it. False: the occurrence was already fired, by this or another instance.
   * A transaction taking a key another one holds waits for that one to end.
   */
  recordOccurrence(scheduleId: string, occurrenceAt: Date, now: Date): Promise<boolean>;
  /** Stores what came of firing an occurrence this transaction recorded. */
  completeOccurrence(scheduleId: string, occurrenceAt: Date, outcome: OccurrenceOutcome): Promise<void>;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly keyHash: string;
  readonly scopes: readonly ApiKeyScope[];
  readonly createdAt: Date;
}

export interface ApiKeyRepository {
  add(record: ApiKeyRecord): Promise<void>;
  /** False when no live key has that id. */
  revoke(id: string, at: Date): Promise<boolean>;
}

export type InboxVerdict = 'new' | 'duplicate' | 'conflict';

/** Consumed event ids, recorded in the transaction of the event's effects. */
export interface InboxRepository {
  /** 'duplicate': seen with the same payload; 'conflict': seen with another payload. */
  record(eventId: string, payloadHash: string, eventType: string, at: Date): Promise<InboxVerdict>;
}

/** Outbound events, written in the transaction of the change that causes them. */
export interface OutboxRepository {
  add(events: readonly OutboundEvent[], at: Date): Promise<void>;
}

export type IdempotencyClaim =
  | { readonly kind: 'new' }
  /** The first request with this key and body completed: its response, to send again. */
  | { readonly kind: 'replay'; readonly response: Readonly<Record<string, unknown>> }
  /** The key was used with another request body. */
  | { readonly kind: 'mismatch' }
  /** Another request with this key is being handled right now. */
  | { readonly kind: 'in_flight' };

/** Idempotency keys of REST requests, claimed and completed in the transaction of their effect. */
export interface IdempotencyRepository {
  claim(key: string, requestHash: string): Promise<IdempotencyClaim>;
  complete(key: string, requestHash: string, response: Readonly<Record<string, unknown>>, at: Date): Promise<void>;
}
