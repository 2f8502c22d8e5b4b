import { FakeAnalyticsReadModel } from './analytics-fakes.js';
import { CHANNELS } from '../../src/domain/notification-type.js';
import { DEFAULT_RETRY_PLANS, PlannedRetrySchedule } from '../../src/application/delivery/retry-plans.js';
import type { HandlerDeps } from '../../src/application/handlers/index.js';
import type { BusMonitor } from '../../src/application/ports/bus-monitor.js';
import type { Clock } from '../../src/application/ports/clock.js';
import type { IdGenerator } from '../../src/application/ports/id-generator.js';
import type { EventStamping } from '../../src/application/unit-of-work.js';
import type { Command } from '../../src/domain/commands.js';
import type { DomainEvent } from '../../src/domain/events.js';
import { BootstrapAwareAuthenticator } from '../../src/entrypoints/api-key-authenticator.js';
import { AppContainer } from '../../src/entrypoints/bootstrap.js';
import { type Config, loadConfig } from '../../src/entrypoints/config.js';
import type { Services } from '../../src/entrypoints/services.js';
import { Sha256ApiKeySecrets } from '../../src/adapters/system/api-key-secrets.js';
import { UuidGenerator } from '../../src/adapters/system/uuid-generator.js';
import { etaTemplateTokens } from '../../src/adapters/templates/eta-template-tokens.js';
import { checkTemplate } from '../../src/domain/template-grammar.js';
import { variableProblems } from '../../src/entrypoints/template-variables-schema.js';
import {
  FakeClock,
  FakeTemplateCatalogue,
  FakeHistoryReadModel,
  FakePreferencesReadModel,
  FakeUnitOfWork,
  InMemoryStore,
  SequentialIds,
  StoreApiKeyLookup,
} from './fakes.js';
import { FakeSuppressionReadModel, FakeWebhookUrlPolicy, SequentialSecrets } from './contact-point-fakes.js';
import { FakeFeedReadModel, RecordingFeedStream } from './feed-fakes.js';
import { RecentFeedWrites } from '../../src/application/feed/recent-feed-writes.js';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    LOG_LEVEL: 'silent',
    ...env,
  });
}

/** Records what the bus reports, so tests can assert on failures of event handlers. */
export class RecordingBusMonitor implements BusMonitor {
  readonly handledTypes: string[] = [];
  readonly committedTypes: string[] = [];
  readonly failures: Array<{ eventType: string; handler: string; error: unknown }> = [];

  handled(message: Command | DomainEvent): void {
    this.handledTypes.push(message.type);
  }

  committed(event: DomainEvent): void {
    this.committedTypes.push(event.type);
  }

  eventHandlerFailed(event: DomainEvent, handler: string, error: unknown): void {
    this.failures.push({ eventType: event.type, handler, error });
  }
}

/** The real composition root with every I/O port replaced by a fake. */
export function fakeContainer(overrides: Partial<Omit<Services, 'config'>> = {}) {
  const store = new InMemoryStore();
  const clock = overrides.clock instanceof FakeClock ? overrides.clock : new FakeClock();
  const monitor = new RecordingBusMonitor();
  const secrets = new Sha256ApiKeySecrets();
  const ids = new SequentialIds();
  const stamping = testStamping(clock);
  const app = new AppContainer(testConfig(), {
    clock,
    ids,
    apiKeySecrets: secrets,
    unitOfWork: () => new FakeUnitOfWork(store, stamping),
    busMonitor: monitor,
    preferencesReadModel: new FakePreferencesReadModel(store),
    historyReadModel: new FakeHistoryReadModel(store),
    templateCatalogue: new FakeTemplateCatalogue(store),
    secretGenerator: new SequentialSecrets(),
    webhookUrlPolicy: new FakeWebhookUrlPolicy(),
    suppressionReadModel: new FakeSuppressionReadModel(store),
    feedReadModel: new FakeFeedReadModel(store),
    feedStream: new RecordingFeedStream(store),
    analyticsReadModel: new FakeAnalyticsReadModel(() => store.analytics),
    // Every channel has a provider, as if configured: tests of unconfigured channels say so.
    configuredChannels: new Set(CHANNELS),
    authenticator: new BootstrapAwareAuthenticator(TEST_ADMIN_KEY, secrets, new StoreApiKeyLookup(store)),
    ...overrides,
  });
  return { app, store, clock, monitor, bus: app.get('bus') };
}

/** Production handler dependencies with deterministic time, ids and jitter. */
export function testHandlerDeps(clock: Clock = new FakeClock(), ids: IdGenerator = new SequentialIds(), store = new InMemoryStore()): HandlerDeps {
  return {
    clock,
    ids,
    secrets: new Sha256ApiKeySecrets(),
    retrySchedule: new PlannedRetrySchedule(DEFAULT_RETRY_PLANS, () => 0.5),
    templates: new FakeTemplateCatalogue(store),
    checkVariables: variableProblems,
    checkField: (field, kind, source) => checkTemplate(field, kind, source, etaTemplateTokens(field)),
    configuredChannels: new Set(CHANNELS),
    secretGenerator: new SequentialSecrets(),
    webhookUrlPolicy: new FakeWebhookUrlPolicy(),
    feedStream: new RecordingFeedStream(store),
    recentFeedWrites: new RecentFeedWrites(clock, 6_000),
  };
}

export function testStamping(clock: Clock = new FakeClock(), ids: IdGenerator = new UuidGenerator()): EventStamping {
  return { clock, ids, correlationId: () => null };
}
