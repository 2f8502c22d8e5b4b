import type { Kysely } from 'kysely';
import type { DeliverNotification } from '../application/delivery/deliver-notification.js';
import type { LeaseKeeper } from '../application/delivery/lease-keeper.js';
import type { HandlerRegistry } from '../application/handler-types.js';
import type { MessageBus } from '../application/message-bus.js';
import type { ApiKeySecrets } from '../application/ports/api-key-secrets.js';
import type { BusMonitor } from '../application/ports/bus-monitor.js';
import type { GuardedChannelSender } from '../application/ports/channel-sender.js';
import type { Clock } from '../application/ports/clock.js';
import type { DeliveryQueue } from '../application/ports/delivery-queue.js';
import type { DeliveryMonitor } from '../application/ports/delivery-monitor.js';
import type { IdGenerator } from '../application/ports/id-generator.js';
import type { Channel } from '../domain/notification-type.js';
import type { FcmPushSender } from '../adapters/push/fcm-push-sender.js';
import type { TwilioSmsSender } from '../adapters/sms/twilio-sms-sender.js';
import type { PerEndpointCircuits } from '../adapters/webhook/per-endpoint-circuits.js';
import type { WebhookSender } from '../adapters/webhook/webhook-sender.js';
import type { NotificationRenderer } from '../application/ports/notification-renderer.js';
import type { TemplateCatalogue } from '../application/ports/template-catalogue.js';
import type { TemplatesQuery } from '../application/queries/templates.query.js';
import type { SchedulesQuery } from '../application/queries/schedules.query.js';
import type { FireDueSchedules } from '../application/scheduling/fire-due-schedules.js';
import type { ScheduleSends } from '../application/scheduling/schedule-sends.js';
import type { AuditQuery } from '../application/queries/audit.query.js';
import type { BulkRetry } from '../application/operations/bulk-retry.js';
import type { ScheduleCalendar } from '../application/ports/schedule-calendar.js';
import type { ScheduleWorker } from './workers/schedule-worker.js';
import type { HistoryReadModel, PreferencesReadModel } from '../application/ports/read-models.js';
import type { RetentionStore } from '../application/ports/retention-store.js';
import type { HistoryQuery } from '../application/queries/history.query.js';
import type { NotificationSearchQuery } from '../application/queries/notification-search.query.js';
import type { PreferencesQuery } from '../application/queries/preferences.query.js';
import type { Retention } from '../application/retention/retention.js';
import type { UnitOfWorkFactory } from '../application/unit-of-work.js';
import type { ApiKeyScope } from '../domain/api-key-scope.js';
import type { CircuitBreakingSender } from '../adapters/delivery/circuit-breaking-sender.js';
import type { NodemailerEmailSender } from '../adapters/email/nodemailer-email-sender.js';
import type { Logger } from '../adapters/observability/logger.js';
import type { ServiceMetrics } from '../adapters/observability/metrics.js';
import type { Database } from '../adapters/postgres/database.js';
import type { KyselyOutboxRelayStore } from '../adapters/postgres/outbox-relay.store.js';
import type { ReadRouter } from '../adapters/postgres/read-router.js';
import type { AmqpConsumer } from '../adapters/rabbitmq/amqp-consumer.js';
import type { AmqpEventPublisher } from '../adapters/rabbitmq/amqp-event-publisher.js';
import type { AmqpSession } from '../adapters/rabbitmq/amqp-session.js';
import type { Config } from './config.js';
import type { HealthReporter, Readiness } from './health.js';
import type { DeliveryWorker } from './workers/delivery-worker.js';
import type { OutboxRelay } from './workers/outbox-relay.js';
import type { RetentionWorker } from './workers/retention-worker.js';
import type { SecretGenerator } from '../application/ports/secret-generator.js';
import type { SuppressionReadModel } from '../application/ports/suppressions.js';
import type { WebhookEndpoints } from '../application/ports/webhook-endpoints.js';
import type { WebhookUrlPolicy } from '../application/ports/webhook-url-policy.js';
import type { SuppressionsQuery } from '../application/queries/suppressions.query.js';
import type { DeadLetterReadModel } from '../application/ports/dead-letters.js';
import type { DeadLettersQuery } from '../application/queries/dead-letters.query.js';
import type { DeadLetterHoldings } from './amqp/dead-letter-holdings.js';
import type { RecentFeedWrites } from '../application/feed/recent-feed-writes.js';
import type { FeedReadModel } from '../application/ports/feed-items.js';
import type { FeedStream } from '../application/ports/feed-stream.js';
import type { FeedQuery } from '../application/queries/feed.query.js';
import type { FeedTokens } from '../application/ports/stream-access.js';
import type { StreamTickets } from '../application/realtime/stream-tickets.js';
import type { StreamMetrics } from '../adapters/observability/stream-metrics.js';
import type { AmqpStreamRelay } from '../adapters/rabbitmq/amqp-stream-relay.js';
import type { StreamConnections } from './ws/stream-connections.js';
import type { AnalyticsReadModel } from '../application/ports/analytics.js';
import type { AnalyticsQuery } from '../application/queries/analytics.query.js';

/** A live API key, as its presenter proved: its id (`bootstrap` for ADMIN_API_KEY) and its scopes. */
export interface AuthenticatedKey {
  readonly id: string;
  readonly scopes: readonly ApiKeyScope[];
}

/** Resolves a presented API key to the live key it is, and tells which keys are still live. */
export interface ApiKeyAuthenticator {
  /** The live key presented, or null when none matches (unknown, revoked). */
  keyOf(presentedKey: string): Promise<AuthenticatedKey | null>;
  /** Of these key ids, those of keys not revoked: one query for them all. */
  liveKeyIds(ids: readonly string[]): Promise<ReadonlySet<string>>;
}

/** Shared by the HTTP layer and the shutdown sequence: readiness turns 503 as soon as shutdown starts. */
export class Lifecycle {
  shuttingDown = false;
  /** Called when the service cannot go on (topology drift): main logs it and exits non-zero. */
  onFatal: (error: Error) => void = () => undefined;
}

/** The broker side, present when RABBITMQ_URL is set. */
export interface Broker {
  readonly session: AmqpSession;
  readonly publisher: AmqpEventPublisher;
  readonly consumer: AmqpConsumer;
  /** Moves the dead-letter queue's messages into the dead_letters table (ADR 24). */
  readonly deadLetters: AmqpConsumer;
  /** What the mover holds, its store failing (/broker/health). */
  readonly deadLetterHoldings: DeadLetterHoldings;
}

/** The WebSocket streams' side of the broker (present when RABBITMQ_URL is set): a connection of its own. */
export interface StreamBroker {
  readonly session: AmqpSession;
  readonly relay: AmqpStreamRelay;
}

/** Every service the composition root can build; any of them can be overridden (tests do). */
export interface Services {
  config: Config;
  logger: Logger;
  metrics: ServiceMetrics;
  lifecycle: Lifecycle;
  clock: Clock;
  ids: IdGenerator;
  apiKeySecrets: ApiKeySecrets;
  primaryDb: Kysely<Database>;
  /** The primary again, through a pool of its own for the delivery worker, the outbox relay and retention. */
  workerDb: Kysely<Database>;
  /** The primary again, a small pool of its own for the template catalogue. */
  templatesDb: Kysely<Database>;
  standbyDb: Kysely<Database> | null;
  readRouter: ReadRouter;
  unitOfWork: UnitOfWorkFactory;
  handlers: HandlerRegistry;
  busMonitor: BusMonitor;
  bus: MessageBus;
  /** The same handlers over units of work on workerDb. */
  workerBus: MessageBus;
  preferencesReadModel: PreferencesReadModel;
  historyReadModel: HistoryReadModel;
  preferencesQuery: PreferencesQuery;
  historyQuery: HistoryQuery;
  /** GET /notifications and GET /notifications/{id} (ADR 23). */
  notificationSearchQuery: NotificationSearchQuery;
  authenticator: ApiKeyAuthenticator;
  health: HealthReporter;
  readiness: Readiness;
  /** `templates/email`: the shipped templates of the built-in types and the layouts. */
  templatesDir: string;
  templateCatalogue: TemplateCatalogue;
  templatesQuery: TemplatesQuery;
  scheduleCalendar: ScheduleCalendar;
  scheduleSends: ScheduleSends;
  schedulesQuery: SchedulesQuery;
  fireDueSchedules: FireDueSchedules;
  scheduleWorker: ScheduleWorker;
  renderer: NotificationRenderer;
  /** The channels with a provider configured: the others' notifications are recorded suppressed. */
  configuredChannels: ReadonlySet<Channel>;
  /** Null without SMTP settings: email notifications are then recorded suppressed, channel_not_configured. */
  smtpTransport: NodemailerEmailSender | null;
  /** The SMTP transport behind the email channel's circuit breaker. */
  emailSender: CircuitBreakingSender | null;
  /** The Twilio Messages API; null without SMS_ACCOUNT_SID. */
  smsTransport: TwilioSmsSender | null;
  smsSender: CircuitBreakingSender | null;
  /** FCM HTTP v1; null without PUSH_SERVICE_ACCOUNT_JSON. */
  pushTransport: FcmPushSender | null;
  pushSender: CircuitBreakingSender | null;
  /** Signed webhooks (always configured); each endpoint behind its own breaker. */
  webhookTransport: WebhookSender;
  webhookSender: PerEndpointCircuits;
  /** The in-app feed's store behind its breaker. */
  inAppSender: GuardedChannelSender;
  /** Every configured channel's sender: a new channel is one more entry here. */
  senders: readonly GuardedChannelSender[];
  deliveryQueue: DeliveryQueue;
  leaseKeeper: LeaseKeeper;
  deliveryMonitor: DeliveryMonitor;
  deliverNotification: DeliverNotification;
  outboxStore: KyselyOutboxRelayStore;
  retentionStore: RetentionStore;
  retention: Retention;
  broker: Broker | null;
  outboxRelay: OutboxRelay | null;
  deliveryWorker: DeliveryWorker | null;
  retentionWorker: RetentionWorker;
  // Contact points and suppressions (composition/contact-points.factories.ts).
  secretGenerator: SecretGenerator;
  /** Where a recipient's webhook_url may point (the private-network check). */
  webhookUrlPolicy: WebhookUrlPolicy;
  /** The signing secrets of recipients' own endpoints, for the webhook sender. */
  webhookEndpoints: WebhookEndpoints;
  suppressionReadModel: SuppressionReadModel;
  suppressionsQuery: SuppressionsQuery;
  // Dead letters (composition/dead-letters.factories.ts, ADR 24).
  deadLetterReadModel: DeadLetterReadModel;
  deadLettersQuery: DeadLettersQuery;
  // The in-app feed (composition/feed.factories.ts).
  /** The users whose feed this instance changed lately: read from the primary. */
  recentFeedWrites: RecentFeedWrites;
  feedReadModel: FeedReadModel;
  feedQuery: FeedQuery;
  // The WebSocket stream (composition/realtime.factories.ts, ADR 19).
  streamMetrics: StreamMetrics;
  /** This instance's open streams. */
  streamConnections: StreamConnections;
  streamBroker: StreamBroker | null;
  /** Tells users' streams, on every instance, of their feed changes (the relay; without a broker, this instance's streams). */
  feedStream: FeedStream;
  /** User stream tokens; null without FEED_SIGNING_SECRET. */
  feedTokens: FeedTokens | null;
  streamTickets: StreamTickets;
  // Operations (composition/operations.factories.ts, ADR 27 and 28).
  auditQuery: AuditQuery;
  bulkRetry: BulkRetry;
  // Delivery analytics (composition/analytics.factories.ts, ADR 25).
  analyticsReadModel: AnalyticsReadModel;
  analyticsQuery: AnalyticsQuery;
}

export type ServiceName = keyof Services;
