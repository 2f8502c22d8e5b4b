import type { AggregateRoot } from '../../domain/aggregate-root.js';
import type {
  ApiKeyRepository,
  IdempotencyRepository,
  InboxRepository,
  NotificationRepository,
  OutboxRepository,
  PreferencesRepository,
  ScheduleRepository,
  TemplateRepository,
} from './repositories.js';
import type { AuditLog } from './audit-log.js';
import type { DeadLetters } from './dead-letters.js';
import type { AnalyticsCounts } from './analytics.js';
import type { FeedItems } from './feed-items.js';
import type { Suppressions } from './suppressions.js';

/** What a handler sees: the repositories of one open transaction. */
export interface UnitOfWork {
  readonly preferences: PreferencesRepository;
  readonly notifications: NotificationRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly inbox: InboxRepository;
  readonly outbox: OutboxRepository;
  readonly idempotency: IdempotencyRepository;
  readonly templates: TemplateRepository;
  readonly schedules: ScheduleRepository;
  readonly suppressions: Suppressions;
  readonly feedItems: FeedItems;
  readonly audit: AuditLog;
  readonly deadLetters: DeadLetters;
  readonly analytics: AnalyticsCounts;
}

/** Repositories report every aggregate they load or add, so its events can be drained after commit. */
export interface AggregateTracker {
  seen<T extends AggregateRoot | null>(aggregate: T): T;
}
