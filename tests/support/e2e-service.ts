import { TestDatabase } from './databases.js';
import { HttpClient } from './http-client.js';
import { type Env, ServiceProcess, migrateBuilt } from './service-process.js';

export const E2E_ADMIN_KEY = 'e2e-admin-key-0123456789abcdef';

/** One e2e suite's world: its own database (migrated by the built migrate), and the built service. */
export class E2eService {
  private constructor(
    readonly db: TestDatabase,
    readonly service: ServiceProcess,
    readonly admin: HttpClient,
  ) {}

  static async start(prefix: string, env: Env = {}): Promise<E2eService> {
    const db = await TestDatabase.create(prefix, { migrate: false });
    await migrateBuilt(db.url);
    await db.waitForStandby();
    const { service, baseUrl } = await ServiceProcess.start({
      DATABASE_URL: db.url,
      STANDBY_DATABASE_URL: db.standbyUrl,
      ADMIN_API_KEY: E2E_ADMIN_KEY,
      LOG_LEVEL: 'info',
      ...env,
    });
    return new E2eService(db, service, new HttpClient(baseUrl, E2E_ADMIN_KEY));
  }

  get anonymous(): HttpClient {
    return this.admin.withKey(undefined);
  }

  async stop(): Promise<void> {
    await this.service.stop();
    await this.db.drop();
  }
}
