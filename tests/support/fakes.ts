import type { CountedOutcome } from '../../src/application/ports/analytics.js';
import { FakeAnalyticsCounts } from './analytics-fakes.js';
import type { Clock } from '../../src/application/ports/clock.js';
import type { IdGenerator } from '../../src/application/ports/id-generator.js';
import {
  type HistoryPage,
  type HistoryReadModel,
  notificationView,
  type PreferencesReadModel,
  type PreferencesView,
  type ScheduleFilter,
  type SchedulePage,
  type ScheduleReadModel,
  type ScheduleView,
} from '../../src/application/ports/read-models.js';
import type { OutboundEvent } from '../../src/application/ports/event-publisher.js';
import type {
  ApiKeyRecord,
  ApiKeyRepository,
  IdempotencyClaim,
  IdempotencyRepository,
  InboxRepository,
  InboxVerdict,
  NotificationRepository,
  OccurrenceOutcome,
  OutboxRepository,
  PreferencesRepository,
  ScheduleRepository,
  TemplateRepository,
} from '../../src/application/ports/repositories.js';
import type { Suppressions } from '../../src/application/ports/suppressions.js';
import type { AggregateTracker, UnitOfWork } from '../../src/application/ports/unit-of-work.js';
import { AbstractUnitOfWork, type EventStamping } from '../../src/application/unit-of-work.js';
import type { ApiKeyScope } from '../../src/domain/api-key-scope.js';
import { ConcurrentModificationError, PreferencesAlreadyExistError, TemplateAlreadyExistsError } from '../../src/domain/errors.js';
import { NotificationPreferences, type PreferencesSnapshot } from '../../src/domain/notification-preferences.js';
import { toPreferencesView } from '../../src/application/handlers/preferences-view.js';
import { NotificationRequest, type NotificationSnapshot } from '../../src/domain/notification-request.js';
import { Schedule, type ScheduleSnapshot, occurrenceKey } from '../../src/domain/schedule.js';
import { Template, type TemplateSnapshot, type TemplateVersion } from '../../src/domain/template.js';
import type { UserId } from '../../src/domain/user-id.js';
import type { Channel } from '../../src/domain/notification-type.js';
import type { Suppression } from '../../src/domain/suppression.js';
import type { AuditEntry } from '../../src/domain/audit.js';
import type { FailedFilter, FailedPosition } from '../../src/domain/bulk-retry.js';
import type { FeedItemSnapshot } from '../../src/domain/feed-item.js';
import { FakeFeedItems } from './feed-fakes.js';
import { FakeDeadLetters, type StoredDeadLetter } from './dead-letter-fakes.js';
import type { TemplateCatalogue, TemplateRelease } from '../../src/application/ports/template-catalogue.js';
import { defaultTemplatesDir, shippedTemplates } from '../../src/adapters/templates/built-in-templates.js';

type StoredApiKey = ApiKeyRecord & { revokedAt: Date | null };

type InboxRow = { payloadHash: string; eventType: string; receivedAt: Date };
type OutboxRow = OutboundEvent & { createdAt: Date; publishedAt: Date | null };
type IdempotencyRow = { requestHash: string; response: Readonly<Record<string, unknown>> };
type TemplateRow = { snapshot: TemplateSnapshot; versions: readonly TemplateVersion[] };
export type OccurrenceRow = { scheduleId: string; occurrenceAt: Date; firedAt: Date; notificationIds: readonly string[]; refusal: string | null };

type Tables = {
  preferences: Map<string, PreferencesSnapshot>;
  notifications: Map<string, NotificationSnapshot>;
  apiKeys: Map<string, StoredApiKey>;
  inbox: Map<string, InboxRow>;
  outbox: Map<string, OutboxRow>;
  idempotency: Map<string, IdempotencyRow>;
  templates: Map<string, TemplateRow>;
  schedules: Map<string, ScheduleSnapshot>;
  /** By occurrenceKey: the primary key (schedule_id, occurrence_at). */
  scheduleOccurrences: Map<string, OccurrenceRow>;
  /** By id; (channel, address) unique, as in PostgreSQL. */
  suppressions: Map<string, Suppression>;
  /** By id (the notification's). */
  feedItems: Map<string, FeedItemSnapshot>;
  /** In the order recorded (keyed by position). */
  audit: Map<string, AuditEntry>;
  /** By id; message_key unique, as in PostgreSQL. */
  deadLetters: Map<string, StoredDeadLetter>;
};
const TABLES = ['preferences', 'notifications', 'apiKeys', 'inbox', 'outbox', 'idempotency', 'templates', 'schedules', 'scheduleOccurrences', 'suppressions', 'feedItems', 'audit', 'deadLetters'] as const;

/** A copy-on-write view of the store that remembers which rows it wrote. */
export class Draft {
  readonly written = Object.fromEntries(TABLES.map((t) => [t, new Set<string>()])) as Record<keyof Tables, Set<string>>;
  readonly preferences: Map<string, PreferencesSnapshot>;
  readonly notifications: Map<string, NotificationSnapshot>;
  readonly apiKeys: Map<string, StoredApiKey>;
  readonly inbox: Map<string, InboxRow>;
  readonly outbox: Map<string, OutboxRow>;
  readonly idempotency: Map<string, IdempotencyRow>;
  readonly templates: Map<string, TemplateRow>;
  readonly schedules: Map<string, ScheduleSnapshot>;
  readonly scheduleOccurrences: Map<string, OccurrenceRow>;
  readonly suppressions: Map<string, Suppression>;
  readonly feedItems: Map<string, FeedItemSnapshot>;
  readonly audit: Map<string, AuditEntry>;
  readonly deadLetters: Map<string, StoredDeadLetter>;

  constructor(source: Tables) {
    this.preferences = new Map(source.preferences);
    this.notifications = new Map(source.notifications);
    this.apiKeys = new Map(source.apiKeys);
    this.inbox = new Map(source.inbox);
    this.outbox = new Map(source.outbox);
    this.idempotency = new Map(source.idempotency);
    this.templates = new Map(source.templates);
    this.schedules = new Map(source.schedules);
    this.scheduleOccurrences = new Map(source.scheduleOccurrences);
    this.suppressions = new Map(source.suppressions);
    this.feedItems = new Map(source.feedItems);
    this.audit = new Map(source.audit);
    this.deadLetters = new Map(source.deadLetters);
  }

  set<T extends keyof Tables>(table: T, key: string, row: Tables[T] extends Map<string, infer R> ? R : never): void {
    (this[table] as Map<string, unknown>).set(key, row);
    this.written[table].add(key);
  }

  delete(table: keyof Tables, key: string): void {
    this[table].delete(key);
    this.written[table].add(key);
  }
}

/** What the fake database holds: snapshots, never live aggregates (as rows would be). */
export class InMemoryStore implements Tables {
  preferences = new Map<string, PreferencesSnapshot>();
  notifications = new Map<string, NotificationSnapshot>();
  apiKeys = new Map<string, StoredApiKey>();
  inbox = new Map<string, InboxRow>();
  outbox = new Map<string, OutboxRow>();
  idempotency = new Map<string, IdempotencyRow>();
  templates = new Map<string, TemplateRow>();
  schedules = new Map<string, ScheduleSnapshot>();
  scheduleOccurrences = new Map<string, OccurrenceRow>();
  suppressions = new Map<string, Suppression>();
  feedItems = new Map<string, FeedItemSnapshot>();
  audit = new Map<string, AuditEntry>();
  deadLetters = new Map<string, StoredDeadLetter>();
  /** Outcomes counted by committed units of work, in order. */
  analytics: CountedOutcome[] = [];
  commits = 0;
  rollbacks = 0;

  draft(): Draft {
    return new Draft(this);
  }

  /** Applies only the rows the draft wrote (or deleted), so overlapping units of work keep each other's writes. */
  commit(draft: Draft): void {
    for (const table of TABLES) {
      for (const key of draft.written[table]) {
        const row = draft[table].get(key);
        if (row === undefined) this[table].delete(key);
        else (this[table] as Map<string, unknown>).set(key, row);
      }
    }
    this.commits += 1;
  }
}

class FakePreferencesRepository implements PreferencesRepository {
  constructor(
    private readonly store: Draft,
    private readonly tracker: AggregateTracker,
  ) {}

  async get(userId: UserId) {
    const row = this.store.preferences.get(userId.value);
    return this.tracker.seen(row ? NotificationPreferences.restore(row) : null);
  }

  async add(preferences: NotificationPreferences) {
    const s = preferences.snapshot();
    if (this.store.preferences.has(s.userId)) throw new PreferencesAlreadyExistError(s.userId);
    this.store.set('preferences', s.userId, s);
    this.tracker.seen(preferences);
  }

  async save(preferences: NotificationPreferences) {
    const s = preferences.snapshot();
    if (this.store.preferences.get(s.userId)?.version !== preferences.loadedVersion) {
      throw new ConcurrentModificationError(`preferences of ${s.userId} changed meanwhile`);
    }
    this.store.set('preferences', s.userId, s);
    this.tracker.seen(preferences);
  }
}

class FakeNotificationRepository implements NotificationRepository {
  constructor(
    private readonly store: Draft,
    private readonly tracker: AggregateTracker,
  ) {}

  async get(id: string) {
    const row = this.store.notifications.get(id);
    return this.tracker.seen(row ? NotificationRequest.restore(row) : null);
  }

  async getMany(ids: readonly string[]) {
    const loaded = new Map<string, NotificationRequest>();
    for (const id of ids) {
      const notification = await this.get(id);
      if (notification) loaded.set(id, notification);
    }
    return loaded;
  }

  async add(notification: NotificationRequest) {
    this.store.set('notifications', notification.id, notification.snapshot());
    this.tracker.seen(notification);
  }

  async save(...notifications: NotificationRequest[]) {
    for (const notification of notifications) await this.add(notification);
  }

  async retryOf(failedId: string) {
    return [...this.store.notifications.values()].find((n) => n.retryOf === failedId)?.id ?? null;
  }

  async fallbacksOf(id: string) {
    const fallbacks = [...this.store.notifications.values()].filter((n) => n.fallbackOf === id);
    return fallbacks.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1)).map((n) => n.id);
  }

  async byProviderMessageId(channel: Channel, providerMessageId: string) {
    const found = [...this.store.notifications.values()].find((n) => n.channel === channel && n.providerMessageId === providerMessageId);
    return found ? this.get(found.id) : null;
  }

  async failedToRetry(filter: FailedFilter, after: FailedPosition | null, limit: number) {
    const rows = retryableFailuresIn(this.store.notifications, filter, after).slice(0, limit);
    const last = rows.at(-1);
    const notifications = rows.map((row) => this.tracker.seen(NotificationRequest.restore(row)));
    return { notifications, last: last ? { failedAt: last.updatedAt, id: last.id } : null, exhausted: rows.length < limit };
  }
}

/** What the bulk retry's walk finds in the store (retryable-failures.ts), oldest failure first. */
export function retryableFailuresIn(notifications: ReadonlyMap<string, NotificationSnapshot>, filter: FailedFilter, after: FailedPosition | null = null): NotificationSnapshot[] {
  const retried = new Set([...notifications.values()].map((n) => n.retryOf));
  const fellBack = new Set([...notifications.values()].filter((n) => n.status !== 'suppressed').map((n) => n.fallbackOf));
  const key = (n: { updatedAt: Date; id: string } | { failedAt: Date; id: string }) => `${('updatedAt' in n ? n.updatedAt : n.failedAt).toISOString()} ${n.id}`;
  return [...notifications.values()]
    .filter((n) => n.status === 'failed' && n.secretVariables.length === 0 && !retried.has(n.id) && !fellBack.has(n.id) && n.updatedAt < filter.failedUntil)
    .filter((n) => (filter.failedSince === null || n.updatedAt >= filter.failedSince) && (filter.type === null || n.type === filter.type) && (filter.channel === null || n.channel === filter.channel))
    .filter((n) => after === null || key(n) > key(after))
    .sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

class FakeApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly store: Draft) {}

  async add(record: ApiKeyRecord) {
    this.store.set('apiKeys', record.id, { ...record, revokedAt: null });
  }

  async revoke(id: string, at: Date) {
    const key = this.store.apiKeys.get(id);
    if (!key || key.revokedAt) return false;
    this.store.set('apiKeys', id, { ...key, revokedAt: at });
    return true;
  }
}

class FakeInboxRepository implements InboxRepository {
  constructor(private readonly store: Draft) {}

  async record(eventId: string, payloadHash: string, eventType: string, at: Date): Promise<InboxVerdict> {
    const first = this.store.inbox.get(eventId);
    if (first) return first.payloadHash === payloadHash ? 'duplicate' : 'conflict';
    this.store.set('inbox', eventId, { payloadHash, eventType, receivedAt: at });
    return 'new';
  }
}

class FakeOutboxRepository implements OutboxRepository {
  constructor(private readonly store: Draft) {}

  async add(events: readonly OutboundEvent[], at: Date): Promise<void> {
    for (const event of events) this.store.set('outbox', event.eventId, { ...event, createdAt: at, publishedAt: null });
  }
}

/** No concurrency to detect in a fake: a key is new, a replay, or a mismatch. */
class FakeIdempotencyRepository implements IdempotencyRepository {
  constructor(private readonly store: Draft) {}

  async claim(key: string, requestHash: string): Promise<IdempotencyClaim> {
    const row = this.store.idempotency.get(key);
    if (!row) return { kind: 'new' };
    return row.requestHash === requestHash ? { kind: 'replay', response: row.response } : { kind: 'mismatch' };
  }

  async complete(key: string, requestHash: string, response: Readonly<Record<string, unknown>>): Promise<void> {
    this.store.set('idempotency', key, { requestHash, response });
  }
}

class FakeTemplateRepository implements TemplateRepository {
  constructor(
    private readonly store: Draft,
    private readonly tracker: AggregateTracker,
  ) {}

  async get(key: string) {
    const row = this.store.templates.get(key);
    return this.tracker.seen(row ? Template.restore(row.snapshot) : null);
  }

  async add(template: Template) {
    if (this.store.templates.has(template.key)) throw new TemplateAlreadyExistsError(template.key);
    this.store.set('templates', template.key, { snapshot: template.snapshot(), versions: template.newVersions() });
    this.tracker.seen(template);
  }

  async save(template: Template) {
    const versions = this.store.templates.get(template.key)?.versions ?? [];
    this.store.set('templates', template.key, { snapshot: template.snapshot(), versions: [...versions, ...template.newVersions()] });
    this.tracker.seen(template);
  }
}

/** No locks in a fake: claimDue simply returns the due ones, earliest first. */
class FakeScheduleRepository implements ScheduleRepository {
  constructor(
    private readonly store: Draft,
    private readonly tracker: AggregateTracker,
  ) {}

  async get(id: string) {
    const row = this.store.schedules.get(id);
    return this.tracker.seen(row ? Schedule.restore(row) : null);
  }

  async add(schedule: Schedule) {
    this.store.set('schedules', schedule.id, schedule.snapshot());
    this.tracker.seen(schedule);
  }

  async save(schedule: Schedule) {
    await this.add(schedule);
  }

  async claimDue(now: Date, limit: number) {
    const due = [...this.store.schedules.values()].filter((s) => s.status === 'active' && s.nextFireAt !== null && s.nextFireAt <= now);
    due.sort((a, b) => (a.nextFireAt?.getTime() ?? 0) - (b.nextFireAt?.getTime() ?? 0));
    return due.slice(0, limit).map((s) => this.tracker.seen(Schedule.restore(s)));
  }

  async recordOccurrence(scheduleId: string, occurrenceAt: Date, now: Date) {
    const key = occurrenceKey(scheduleId, occurrenceAt);
    if (this.store.scheduleOccurrences.has(key)) return false;
    this.store.set('scheduleOccurrences', key, { scheduleId, occurrenceAt, firedAt: now, notificationIds: [], refusal: null });
    return true;
  }

  async completeOccurrence(scheduleId: string, occurrenceAt: Date, outcome: OccurrenceOutcome) {
    const key = occurrenceKey(scheduleId, occurrenceAt);
    const row = this.store.scheduleOccurrences.get(key);
    if (row) this.store.set('scheduleOccurrences', key, { ...row, ...('refusal' in outcome ? { refusal: outcome.refusal } : { notificationIds: outcome.notificationIds }) });
  }
}

class FakeSuppressions implements Suppressions {
  constructor(private readonly store: Draft) {}

  async add(suppression: Suppression) {
    const first = this.find(suppression.channel, suppression.address);
    if (first) return first;
    this.store.set('suppressions', suppression.id, suppression);
    return suppression;
  }

  async isSuppressed(channel: Channel, address: string) {
    return this.find(channel, address) !== undefined;
  }

  async lift(id: string) {
    if (!this.store.suppressions.has(id)) return false;
    this.store.delete('suppressions', id);
    return true;
  }

  private find(channel: Channel, address: string) {
    return [...this.store.suppressions.values()].find((s) => s.channel === channel && s.address === address);
  }
}

/** Works on a copy of the store and applies its writes on success: a rollback is not applying them. */
export class FakeUnitOfWork extends AbstractUnitOfWork {
  constructor(
    private readonly store: InMemoryStore,
    stamping: EventStamping,
  ) {
    super(stamping);
  }

  protected async transaction<T>(tracker: AggregateTracker, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    const draft = this.store.draft();
    const analytics = new FakeAnalyticsCounts();
    try {
      const result = await work({
        preferences: new FakePreferencesRepository(draft, tracker),
        notifications: new FakeNotificationRepository(draft, tracker),
        apiKeys: new FakeApiKeyRepository(draft),
        inbox: new FakeInboxRepository(draft),
        outbox: new FakeOutboxRepository(draft),
        idempotency: new FakeIdempotencyRepository(draft),
        templates: new FakeTemplateRepository(draft, tracker),
        schedules: new FakeScheduleRepository(draft, tracker),
        suppressions: new FakeSuppressions(draft),
        feedItems: new FakeFeedItems(draft, tracker),
        audit: { record: async (entry) => draft.set('audit', `${this.store.audit.size + draft.written.audit.size}`, entry) },
        deadLetters: new FakeDeadLetters(draft),
        analytics,
      });
      this.store.commit(draft);
      this.store.analytics.push(...analytics.counted);
      return result;
    } catch (error) {
      this.store.rollbacks += 1;
      throw error;
    }
  }
}

export class FakePreferencesReadModel implements PreferencesReadModel {
  constructor(private readonly store: InMemoryStore) {}

  async find(userId: string): Promise<PreferencesView | null> {
    const s = this.store.preferences.get(userId);
    return s ? toPreferencesView(NotificationPreferences.restore(s)) : null;
  }
}

/** Offset cursors are enough for a fake: the real read model's keyset paging is tested against PostgreSQL. */
export class FakeHistoryReadModel implements HistoryReadModel {
  constructor(private readonly store: InMemoryStore) {}

  async page(userId: string, limit: number, cursor: string | null): Promise<HistoryPage> {
    const all = [...this.store.notifications.values()]
      .filter((n) => n.userId === userId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id));
    const offset = cursor === null ? 0 : Number(cursor);
    const page = all.slice(offset, offset + limit).map(notificationView);
    return { notifications: page, nextCursor: offset + limit < all.length ? String(offset + limit) : null };
  }

  async find(notificationId: string) {
    const found = this.store.notifications.get(notificationId);
    return found ? notificationView(found) : null;
  }
}

export class FakeScheduleReadModel implements ScheduleReadModel {
  constructor(private readonly store: InMemoryStore) {}

  async find(id: string): Promise<ScheduleView | null> {
    return this.store.schedules.get(id) ?? null;
  }

  async page(filter: ScheduleFilter, page: number, size: number): Promise<SchedulePage> {
    const matching = [...this.store.schedules.values()]
      .filter((s) => filter.status === null || s.status === filter.status)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id));
    return { schedules: matching.slice((page - 1) * size, page * size), total: matching.length };
  }
}

export class StoreApiKeyLookup {
  constructor(private readonly store: InMemoryStore) {}

  async keyOf(keyHash: string): Promise<{ id: string; scopes: readonly ApiKeyScope[] } | null> {
    const key = [...this.store.apiKeys.values()].find((k) => k.keyHash === keyHash && !k.revokedAt);
    return key ? { id: key.id, scopes: key.scopes } : null;
  }

  async liveIds(ids: readonly string[]): Promise<ReadonlySet<string>> {
    return new Set(ids.filter((id) => this.store.apiKeys.get(id)?.revokedAt === null));
  }
}

export class FakeClock implements Clock {
  constructor(private current = new Date('2026-11-22T10:00:00.000Z')) {}

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export class SequentialIds implements IdGenerator {
  private next = 1;

  newId(): string {
    return `00000000-0000-4000-8000-${String(this.next++).padStart(12, '0')}`;
  }
}

const SHIPPED = shippedTemplates(defaultTemplatesDir());

/**
 * The catalogue over the in-memory store; a built-in type the store does not hold is served as
 * its shipped version 1, as if seeded at start.
 */
export class FakeTemplateCatalogue implements TemplateCatalogue {
  constructor(private readonly store: InMemoryStore = new InMemoryStore()) {}

  async live(key: string): Promise<TemplateRelease | null> {
    const row = this.store.templates.get(key);
    return row ? this.version(key, row.snapshot.liveVersion) : shipped(key);
  }

  async version(key: string, version: number): Promise<TemplateRelease | null> {
    const row = this.store.templates.get(key);
    if (!row) return version === 1 ? shipped(key) : null;
    const found = row.versions.find((v) => v.version === version);
    return found ? { key, version, definition: found.definition } : null;
  }
}

function shipped(key: string): TemplateRelease | null {
  const found = SHIPPED.find((t) => t.key === key);
  return found ? { key, version: 1, definition: found.definition } : null;
}
