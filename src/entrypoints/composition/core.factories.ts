import { PlannedRetrySchedule } from '../../application/delivery/retry-plans.js';
import { buildHandlerRegistry } from '../../application/handlers/index.js';
import { isPublished } from '../../application/integration-events.js';
import { type AfterCommitHook, MessageBus } from '../../application/message-bus.js';
import { HistoryQuery } from '../../application/queries/history.query.js';
import { NotificationSearchQuery } from '../../application/queries/notification-search.query.js';
import { PreferencesQuery } from '../../application/queries/preferences.query.js';
import { ObservedBusMonitor } from '../../adapters/observability/bus-monitor.js';
import { createLogger } from '../../adapters/observability/logger.js';
import { ServiceMetrics } from '../../adapters/observability/metrics.js';
import { KyselyApiKeyLookup } from '../../adapters/postgres/api-key.repository.js';
import { primaryHealth, standbyHealth } from '../../adapters/postgres/health.js';
import { KyselyNotificationSearchReadModel } from '../../adapters/postgres/notification-search.read-model.js';
import { Sha256ApiKeySecrets } from '../../adapters/system/api-key-secrets.js';
import { SystemClock } from '../../adapters/system/system-clock.js';
import { UuidGenerator } from '../../adapters/system/uuid-generator.js';
import { BootstrapAwareAuthenticator } from '../api-key-authenticator.js';
import { withOpenEndpoints } from '../endpoint-circuits-health.js';
import { HealthReporter, Readiness } from '../health.js';
import { brokerHealth, channelHealth, outboxHealth } from '../pipeline-health.js';
import { streamHealth } from '../stream-health.js';
import { Lifecycle } from '../services.js';
import { checkTemplate } from '../../domain/template-grammar.js';
import { etaTemplateTokens } from '../../adapters/templates/eta-template-tokens.js';
import { variableProblems } from '../template-variables-schema.js';
import type { Factories, Resolve } from './factory-types.js';
import { unitsOfWorkOn } from './persistence.factories.js';

const HEALTH_CHECK_TIMEOUT_MS = 3_000;
const HEALTH_REPORT_CACHE_MS = 1_000;

/**
 * The after-commit hook: committed work wakes this instance's workers at once rather than at their
 * next poll (a new notification wakes delivery, a published event the relay). Other instances
 * find the rows by polling.
 */
export function wakeWorkers(get: Resolve): AfterCommitHook {
  return (events) => {
    if (events.some((e) => e.type === 'NotificationRecorded' && e.status === 'pending')) get('deliveryWorker')?.poke();
    if (events.some(isPublished)) get('outboxRelay')?.poke();
  };
}

type Core = 'logger' | 'metrics' | 'lifecycle' | 'clock' | 'ids' | 'apiKeySecrets' | 'handlers' | 'busMonitor' | 'bus' | 'workerBus';
type Reads = 'preferencesQuery' | 'historyQuery' | 'notificationSearchQuery' | 'authenticator' | 'health' | 'readiness';

export const coreFactories: Pick<Factories, Core | Reads> = {
  logger: (get) => createLogger(get('config').logLevel),
  metrics: () => new ServiceMetrics(),
  lifecycle: () => new Lifecycle(),
  clock: () => new SystemClock(),
  ids: () => new UuidGenerator(),
  apiKeySecrets: () => new Sha256ApiKeySecrets(),
  handlers: (get) =>
    buildHandlerRegistry({
      clock: get('clock'),
      ids: get('ids'),
      secrets: get('apiKeySecrets'),
      retrySchedule: new PlannedRetrySchedule(get('config').delivery.retryPlans),
      templates: get('templateCatalogue'),
      checkVariables: variableProblems,
      checkField: (field, kind, source) => checkTemplate(field, kind, source, etaTemplateTokens(field)),
      configuredChannels: get('configuredChannels'),
      secretGenerator: get('secretGenerator'),
      webhookUrlPolicy: get('webhookUrlPolicy'),
      feedStream: get('feedStream'),
      recentFeedWrites: get('recentFeedWrites'),
    }),
  busMonitor: (get) => new ObservedBusMonitor(get('logger'), get('metrics')),
  bus: (get) => new MessageBus(get('handlers'), get('unitOfWork'), get('busMonitor'), wakeWorkers(get)),
  workerBus: (get) => new MessageBus(get('handlers'), unitsOfWorkOn(get, get('workerDb')), get('busMonitor'), wakeWorkers(get)),
  preferencesQuery: (get) => new PreferencesQuery(get('preferencesReadModel')),
  historyQuery: (get) => new HistoryQuery(get('historyReadModel')),
  notificationSearchQuery: (get) => new NotificationSearchQuery(new KyselyNotificationSearchReadModel(get('readRouter')), get('renderer')),
  authenticator: (get) => new BootstrapAwareAuthenticator(get('config').adminApiKey, get('apiKeySecrets'), new KyselyApiKeyLookup(get('primaryDb'))),
  health: (get) =>
    new HealthReporter(
      [
        { name: 'primary', critical: true, check: () => primaryHealth(get('primaryDb')) },
        { name: 'standby', critical: false, check: () => standbyHealth(get('readRouter'), get('config').database.standbyMaxLagSeconds) },
        brokerHealth(get('broker')),
        channelHealth('smtp', get('emailSender'), () => get('smtpTransport')?.verify() ?? Promise.resolve({ ok: true })),
        channelHealth('sms', get('smsSender')),
        channelHealth('push', get('pushSender'), () => get('pushTransport')?.verify() ?? Promise.resolve({ ok: true })),
        withOpenEndpoints(channelHealth('webhook', get('webhookSender')), get('webhookSender')),
        channelHealth('in_app', get('inAppSender')),
        outboxHealth(get('outboxRelay')),
        streamHealth(get('streamConnections'), get('streamBroker')),
      ],
      HEALTH_CHECK_TIMEOUT_MS,
      HEALTH_REPORT_CACHE_MS,
    ),
  readiness: (get) => {
    const lifecycle = get('lifecycle');
    return new Readiness(() => lifecycle.shuttingDown, async () => (await primaryHealth(get('primaryDb'))).status === 'up');
  },
};
