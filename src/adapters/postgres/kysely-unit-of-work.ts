import type { Kysely } from 'kysely';
import { KyselyAnalyticsCounts } from './analytics-counts.js';
import { KyselyFeedItems } from '../in-app/feed-items.repository.js';
import type { AggregateTracker, UnitOfWork } from '../../application/ports/unit-of-work.js';
import { AbstractUnitOfWork, type EventStamping } from '../../application/unit-of-work.js';
import { KyselyApiKeyRepository } from './api-key.repository.js';
import { KyselyAuditLog } from './audit-log.repository.js';
import type { Database } from './database.js';
import { KyselyDeadLetters } from './dead-letters.repository.js';
import { KyselyIdempotencyRepository } from './idempotency.repository.js';
import { KyselyInboxRepository, KyselyOutboxRepository } from './inbox-outbox.repositories.js';
import { KyselyNotificationRepository } from './notification.repository.js';
import { KyselyPreferencesRepository } from './preferences.repository.js';
import { KyselyScheduleRepository } from './schedule.repository.js';
import { KyselySuppressions } from './suppressions.repository.js';
import { KyselyTemplateRepository } from './template.repository.js';

/** One transaction on the primary; repositories are built from it (a Kysely Transaction is a Kysely). */
export class KyselyUnitOfWork extends AbstractUnitOfWork {
  constructor(
    private readonly primary: Kysely<Database>,
    stamping: EventStamping,
  ) {
    super(stamping);
  }

  protected transaction<T>(tracker: AggregateTracker, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    return this.primary.transaction().execute(async (tx) => {
      const analytics = new KyselyAnalyticsCounts(tx);
      const result = await work({
        preferences: new KyselyPreferencesRepository(tx, tracker),
        notifications: new KyselyNotificationRepository(tx, tracker),
        apiKeys: new KyselyApiKeyRepository(tx),
        inbox: new KyselyInboxRepository(tx),
        outbox: new KyselyOutboxRepository(tx),
        idempotency: new KyselyIdempotencyRepository(tx),
        templates: new KyselyTemplateRepository(tx, tracker),
        schedules: new KyselyScheduleRepository(tx, tracker),
        suppressions: new KyselySuppressions(tx),
        feedItems: new KyselyFeedItems(tx, tracker),
        audit: new KyselyAuditLog(tx),
        deadLetters: new KyselyDeadLetters(tx),
        analytics,
      });
      // The last statement: it holds its rows' locks only until the commit right after it.
      await analytics.flush();
      return result;
    });
  }
}
