import 'reflect-metadata';
import { Container, type ServiceIdentifier } from 'inversify';
import { buildHandlerRegistry } from '../application/handlers/index.js';
import { isPublished } from '../application/integration-events.js';
import { MessageBus } from '../application/message-bus.js';
import type { UnitOfWorkFactory } from '../application/unit-of-work.js';
import { HistoryQuery } from '../application/queries/history.query.js';
import { PreferencesQuery } from '../application/queries/preferences.query.js';
import { ObservedBusMonitor } from '../adapters/observability/bus-monitor.js';
import { currentCorrelationId } from '../adapters/observability/correlation.js';
import { createLogger } from '../adapters/observability/logger.js';
import { ServiceMetrics } from '../adapters/observability/metrics.js';
import { KyselyApiKeyLookup } from '../adapters/postgres/api-key.repository.js';
import { primaryHealth, standbyHealth } from '../adapters/postgres/health.js';
import { KyselyUnitOfWork } from '../adapters/postgres/kysely-unit-of-work.js';
import { createDatabase } from '../adapters/postgres/pool.js';
import { KyselyHistoryReadModel, KyselyPreferencesReadModel } from '../adapters/postgres/read-models.js';
import { ReadRouter } from '../adapters/postgres/read-router.js';
import { Sha256ApiKeySecrets } from '../adapters/system/api-key-secrets.js';
import { SystemClock } from '../adapters/system/system-clock.js';
import { UuidGenerator } from '../adapters/system/uuid-generator.js';
import { EtaNotificationRenderer, defaultTemplatesDir } from '../adapters/email/eta-notification-renderer.js';
import { CircuitBreakingEmailSender } from '../adapters/email/circuit-breaking-email-sender.js';
import { NodemailerEmailSender } from '../adapters/email/nodemailer-email-sender.js';
import { KyselyDeliveryQueue } from '../adapters/postgres/delivery-queue.js';
import { KyselyOutboxRelayStore } from '../adapters/postgres/outbox-relay.store.js';
import { AmqpConsumer } from '../adapters/rabbitmq/amqp-consumer.js';
import { AmqpEventPublisher } from '../adapters/rabbitmq/amqp-event-publisher.js';
import { AmqpSession } from '../adapters/rabbitmq/amqp-session.js';
import { declareTopology } from '../adapters/rabbitmq/topology.js';
import { BootstrapAwareAuthenticator } from './api-key-authenticator.js';
import { eventDeliveryHandler } from './amqp/event-delivery-handler.js';
import { brokerHealth, outboxHealth, smtpHealth } from './pipeline-health.js';
import { DeliveryWorker } from './workers/delivery-worker.js';
import { OutboxRelay } from './workers/outbox-relay.js';
import type { DomainEvent } from '../domain/events.js';
import type { Config } from './config.js';
import { HealthReporter } from './health.js';
import { Lifecycle, type ServiceName, type Services } from './services.js';

type Resolve = <K extends ServiceName>(name: K) => Services[K];
type Factories = { readonly [K in Exclude<ServiceName, 'config'>]: (get: Resolve) => Services[K] };

const HEALTH_CHECK_TIMEOUT_MS = 3_000;
const CIRCUIT_GAUGE = { closed: 0, half_open: 1, open: 2 } as const;

/**
 * Committed work wakes the workers of this instance at once, rather than at their next poll: a new
 * notification wakes the delivery worker, an outcome with an outbox row wakes the relay. Other
 * instances still find the rows by polling.
 */
function wakeWorkers(get: Resolve, event: DomainEvent): void {
  if (event.type === 'NotificationRequested' && event.status === 'pending') get('deliveryWorker')?.poke();
  if (isPublished(event)) get('outboxRelay')?.poke();
}

/** Units of work on one pool, their outbox rows stamped with fresh ids, the time and the correlation id. */
function unitsOfWorkOn(get: Resolve, db: Services['primaryDb']): UnitOfWorkFactory {
  const stamping = { ids: get('ids'), clock: get('clock'), correlationId: () => currentCorrelationId() ?? null };
  return () => new KyselyUnitOfWork(db, stamping);
}

function database(get: Resolve, name: 'primary' | 'standby' | 'workers', url: string) {
  const { database: db } = get('config');
  return createDatabase({
    url,
    name,
    max: name === 'workers' ? db.workerPoolMax : db.poolMax,
    connectionTimeoutMs: db.connectionTimeoutMs,
    statementTimeoutMs: db.statementTimeoutMs,
    queryTimeoutMs: db.queryTimeoutMs,
    onError: (error) => get('logger').warn({ err: error, pool: name }, 'idle database connection failed'),
  });
}

/** Production wiring. Each factory runs once, on first use; nothing connects before a query. */
const factories: Factories = {
  logger: (get) => createLogger(get('config').logLevel),
  metrics: () => new ServiceMetrics(),
  lifecycle: () => new Lifecycle(),
  clock: () => new SystemClock(),
  ids: () => new UuidGenerator(),
  apiKeySecrets: () => new Sha256ApiKeySecrets(),
  primaryDb: (get) => database(get, 'primary', get('config').database.url),
  // The delivery worker and the outbox relay have their own connections to the primary, so a
  // flood of incoming events (each consumer handler holds a connection) cannot starve sending.
  workerDb: (get) => database(get, 'workers', get('config').database.url),
  standbyDb: (get) => {
    const url = get('config').database.standbyUrl;
    return url ? database(get, 'standby', url) : null;
  },
  readRouter: (get) => {
    const { standbyMaxLagSeconds, standbyCheckIntervalMs } = get('config').database;
    return new ReadRouter(
      get('primaryDb'),
      get('standbyDb'),
      { maxLagSeconds: standbyMaxLagSeconds, checkIntervalMs: standbyCheckIntervalMs },
      get('metrics'),
    );
  },
  unitOfWork: (get) => unitsOfWorkOn(get, get('primaryDb')),
  handlers: (get) => {
    const { retryBaseMs, retryCapMs, maxAttempts } = get('config').delivery;
    return buildHandlerRegistry({
      clock: get('clock'),
      ids: get('ids'),
      secrets: get('apiKeySecrets'),
      retrySchedule: { baseMs: retryBaseMs, capMs: retryCapMs, maxAttempts },
      random: Math.random,
    });
  },
  busMonitor: (get) => new ObservedBusMonitor(get('logger'), get('metrics'), (event) => wakeWorkers(get, event)),
  bus: (get) => new MessageBus(get('handlers'), get('unitOfWork'), get('busMonitor')),
  workerBus: (get) => new MessageBus(get('handlers'), unitsOfWorkOn(get, get('workerDb')), get('busMonitor')),
  preferencesReadModel: (get) => new KyselyPreferencesReadModel(get('readRouter')),
  historyReadModel: (get) => new KyselyHistoryReadModel(get('readRouter')),
  preferencesQuery: (get) => new PreferencesQuery(get('preferencesReadModel')),
  historyQuery: (get) => new HistoryQuery(get('historyReadModel')),
  authenticator: (get) =>
    new BootstrapAwareAuthenticator(get('config').adminApiKey, get('apiKeySecrets'), new KyselyApiKeyLookup(get('primaryDb'))),
  health: (get) => {
    const config = get('config');
    return new HealthReporter(
      [
        { name: 'primary', critical: true, check: () => primaryHealth(get('primaryDb')) },
        { name: 'standby', critical: false, check: () => standbyHealth(get('readRouter'), config.database.standbyMaxLagSeconds) },
        brokerHealth(get('broker')),
        smtpHealth(get('smtpTransport'), get('emailSender')),
        outboxHealth(get('outboxRelay')),
      ],
      HEALTH_CHECK_TIMEOUT_MS,
    );
  },
  renderer: (get) => {
    const { appBaseUrl, serviceName } = get('config');
    return new EtaNotificationRenderer({ templatesDir: defaultTemplatesDir(), appBaseUrl, serviceName });
  },
  smtpTransport: (get) => {
    const smtp = get('config').smtp;
    if (!smtp) return null;
    return new NodemailerEmailSender({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      startTls: smtp.startTls,
      username: smtp.username,
      password: smtp.password,
      from: smtp.from,
      pool: { maxConnections: smtp.maxConnections, maxMessages: 1000 },
      connectionTimeoutMs: smtp.connectionTimeoutMs,
      greetingTimeoutMs: smtp.connectionTimeoutMs,
      socketTimeoutMs: smtp.socketTimeoutMs,
    });
  },
  emailSender: (get) => {
    const transport = get('smtpTransport');
    const smtp = get('config').smtp;
    if (!transport || !smtp) return null;
    const metrics = get('metrics');
    const logger = get('logger');
    return new CircuitBreakingEmailSender(transport, { failuresToOpen: smtp.circuitFailuresToOpen, halfOpenAfterMs: smtp.circuitHalfOpenAfterMs }, (state) => {
      metrics.smtpCircuitState.set(CIRCUIT_GAUGE[state]);
      logger.warn({ circuit: state }, 'SMTP circuit breaker changed state');
    });
  },
  deliveryQueue: (get) => new KyselyDeliveryQueue(get('workerDb')),
  outboxStore: (get) => new KyselyOutboxRelayStore(get('workerDb')),
  broker: (get) => {
    const amqp = get('config').amqp;
    if (!amqp) return null;
    const logger = get('logger');
    // The relay holds its transaction while it waits for confirms: wait less than the database
    // lets a transaction sit idle, or every batch would be rolled back and published again.
    const confirmTimeoutMs = Math.max(1_000, Math.floor(get('config').database.statementTimeoutMs * 0.6));
    const publisher = new AmqpEventPublisher(amqp.exchange, confirmTimeoutMs, logger);
    const handler = eventDeliveryHandler(get('bus'), logger, get('metrics'), { initialMs: 200, maxMs: 10_000 }, get('config').failpointHandlerThrowsOn);
    const consumer = new AmqpConsumer(amqp.queue, amqp.deadLetterExchange, amqp.prefetch, handler, logger);
    const session = new AmqpSession(
      { url: amqp.url, heartbeatSeconds: amqp.heartbeatSeconds, connectionName: 'notification-service', reconnectInitialMs: 250, reconnectMaxMs: 15_000 },
      [(connection) => declareTopology(connection, amqp), publisher.setup, consumer.setup],
      logger,
      (error) => get('lifecycle').onFatal(error),
    );
    return { session, publisher, consumer };
  },
  outboxRelay: (get) => {
    const broker = get('broker');
    return broker ? new OutboxRelay(get('outboxStore'), broker.publisher, get('config').outbox, get('metrics'), get('logger')) : null;
  },
  deliveryWorker: (get) => {
    const sender = get('emailSender');
    const config = get('config');
    if (!sender || !config.smtp) return null;
    const domain = config.smtp.from.split('@').at(-1) ?? 'localhost';
    return new DeliveryWorker(get('deliveryQueue'), get('renderer'), sender, get('workerBus'), config.delivery, domain, get('metrics'), get('logger'));
  },
};

/** The composition root: an inversify container holding every service as a lazy singleton. */
export class AppContainer {
  private readonly container = new Container();
  private readonly tokens = new Map<ServiceName, ServiceIdentifier<unknown>>();

  constructor(config: Config, overrides: Partial<Omit<Services, 'config'>> = {}) {
    const resolve: Resolve = (name) => this.get(name);
    this.bindService('config', () => config);
    for (const name of Object.keys(factories) as Array<keyof Factories>) {
      const override = overrides[name];
      this.bindService(name, override !== undefined ? () => override : () => factories[name](resolve));
    }
    for (const name of ['primaryDb', 'workerDb', 'standbyDb'] as const) {
      this.container.onDeactivation(this.token(name), async (db) => {
        await (db as Services[typeof name])?.destroy();
      });
    }
  }

  get<K extends ServiceName>(name: K): Services[K] {
    return this.container.get(this.token(name)) as Services[K];
  }

  /** Closes what was opened (database pools, later broker connections), in reverse dependency order. */
  async close(): Promise<void> {
    await this.container.unbindAllAsync();
  }

  private bindService(name: ServiceName, build: () => unknown): void {
    const token = Symbol(name);
    this.tokens.set(name, token);
    this.container.bind(token).toDynamicValue(build).inSingletonScope();
  }

  private token(name: ServiceName): ServiceIdentifier<unknown> {
    const token = this.tokens.get(name);
    if (!token) throw new Error(`no service named ${name}`);
    return token;
  }
}
