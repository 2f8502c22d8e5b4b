import type { MessageBus } from '../../application/message-bus.js';
import type { HistoryQuery } from '../../application/queries/history.query.js';
import type { NotificationSearchQuery } from '../../application/queries/notification-search.query.js';
import type { PreferencesQuery } from '../../application/queries/preferences.query.js';
import type { SchedulesQuery } from '../../application/queries/schedules.query.js';
import type { SuppressionsQuery } from '../../application/queries/suppressions.query.js';
import type { FeedQuery } from '../../application/queries/feed.query.js';
import type { DeadLettersQuery } from '../../application/queries/dead-letters.query.js';
import type { AuditQuery } from '../../application/queries/audit.query.js';
import type { BulkRetry } from '../../application/operations/bulk-retry.js';
import type { TemplatesQuery } from '../../application/queries/templates.query.js';
import type { AnalyticsQuery } from '../../application/queries/analytics.query.js';
import type { IssuedTicket } from '../../application/realtime/stream-tickets.js';
import type { ScheduleSends } from '../../application/scheduling/schedule-sends.js';
import type { Logger } from '../../adapters/observability/logger.js';
import type { ServiceMetrics } from '../../adapters/observability/metrics.js';
import type { HealthReporter, Readiness } from '../health.js';
import type { ApiKeyAuthenticator } from '../services.js';

/** What the HTTP app uses, and nothing else: routes send commands to the bus and read through queries. */
export interface HttpDeps {
  readonly bus: MessageBus;
  readonly queries: {
    readonly history: HistoryQuery;
    readonly notifications: NotificationSearchQuery;
    readonly preferences: PreferencesQuery;
    readonly templates: TemplatesQuery;
    readonly schedules: SchedulesQuery;
    readonly suppressions: SuppressionsQuery;
    readonly feed: FeedQuery;
    readonly deadLetters: DeadLettersQuery;
    readonly audit: AuditQuery;
    readonly analytics: AnalyticsQuery;
  };
  /** Retries the failed notifications a filter matches, chunk by chunk (ADR 28). */
  readonly bulkRetry: BulkRetry;
  /** The service queue's bindings: an event published over REST must be routed to it. Null without a broker. */
  readonly eventBindings: readonly string[] | null;
  /** Creating and cancelling schedules (a use case of its own, beside the bus). */
  readonly schedules: ScheduleSends;
  /** Issues the single-use tickets that open admin WebSocket streams, on behalf of the calling key (its id). */
  readonly streamTickets: { issue(keyId: string): Promise<IssuedTicket> };
  readonly authenticator: ApiKeyAuthenticator;
  readonly health: HealthReporter;
  readonly readiness: Readiness;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  /** A stable, non-secret token per credential: scopes Idempotency-Keys to their caller. */
  readonly callerOf: (authorization: string) => string;
  readonly bodyLimitBytes: number;
  /** Checks a Twilio status callback's X-Twilio-Signature; null when SMS status callbacks are not configured. */
  readonly smsStatusSignature: ((params: Readonly<Record<string, string | readonly string[]>>, signature: string | undefined) => boolean) | null;
}
