import { eventually, TestDatabase } from './databases.js';
import { TestVhost } from './broker.js';
import { E2E_ADMIN_KEY } from './e2e-service.js';
import { HttpClient } from './http-client.js';
import { type Env, ServiceProcess, migrateBuilt } from './service-process.js';
import { SmtpSink } from './smtp-sink.js';

export const APP_BASE_URL = 'https://app.example.com';

/** Six attempts a second or two apart, at every priority: a test never waits for the production plans. */
export const FAST_RETRIES: Env = Object.fromEntries(
  ['CRITICAL', 'HIGH', 'NORMAL', 'LOW'].map((priority) => [`RETRY_PLAN_${priority}`, '300ms,600ms,1200ms,2s,2s']),
);

/** The built service's environment for tests: fast polling and retries, everything else default. */
export function serviceEnv(servers: { databaseUrl: string; standbyUrl: string; rabbitmqUrl: string; smtpPort: number }, overrides: Env = {}): Env {
  return {
    DATABASE_URL: servers.databaseUrl,
    STANDBY_DATABASE_URL: servers.standbyUrl,
    RABBITMQ_URL: servers.rabbitmqUrl,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(servers.smtpPort),
    SMTP_FROM: 'notifications@example.com',
    SMTP_SOCKET_TIMEOUT_MS: '2000',
    ADMIN_API_KEY: E2E_ADMIN_KEY,
    APP_BASE_URL,
    SERVICE_NAME: 'Acme Notifications',
    LOG_LEVEL: 'info',
    ...FAST_RETRIES,
    DELIVERY_POLL_INTERVAL_MS: '50',
    OUTBOX_POLL_INTERVAL_MS: '50',
    ...overrides,
  };
}

/** One e2e suite's whole world: database, vhost, SMTP sink, and the built service wired to them. */
export class PipelineWorld {
  service!: ServiceProcess;
  admin!: HttpClient;

  private constructor(
    readonly db: TestDatabase,
    readonly vhost: TestVhost,
    readonly smtp: SmtpSink,
  ) {}

  static async create(prefix: string): Promise<PipelineWorld> {
    const [db, vhost, smtp] = await Promise.all([TestDatabase.create(prefix, { migrate: false }), TestVhost.create(prefix), SmtpSink.start()]);
    await migrateBuilt(db.url);
    await db.waitForStandby();
    return new PipelineWorld(db, vhost, smtp);
  }

  env(overrides: Env = {}): Env {
    return serviceEnv({ databaseUrl: this.db.url, standbyUrl: this.db.standbyUrl, rabbitmqUrl: this.vhost.url, smtpPort: this.smtp.port }, overrides);
  }

  async startService(overrides: Env = {}): Promise<void> {
    const { service, baseUrl } = await ServiceProcess.start(this.env(overrides));
    this.service = service;
    this.admin = new HttpClient(baseUrl, E2E_ADMIN_KEY);
    await eventually(async () => (await this.admin.get('/broker/health')).body.components, 10_000, 'health');
    await eventually(
      async () => ((await this.admin.get('/broker/health')).body.components as Record<string, { status: string }>).rabbitmq?.status === 'up',
      15_000,
      'the service to connect to RabbitMQ',
    );
  }

  async stop(): Promise<void> {
    await this.service?.stop();
    await Promise.allSettled([this.vhost.drop(), this.smtp.close()]);
    await this.db.drop();
  }
}
