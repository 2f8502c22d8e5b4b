import { expect } from 'chai';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { EmailAddress } from '../../../src/domain/email-address.js';
import { NotificationPreferences, preferenceFlags } from '../../../src/domain/notification-preferences.js';
import { UserId } from '../../../src/domain/user-id.js';
import { buildHandlerRegistry } from '../../../src/application/handlers/index.js';
import { SystemClock } from '../../../src/adapters/system/system-clock.js';
import { UuidGenerator } from '../../../src/adapters/system/uuid-generator.js';
import { AppContainer } from '../../../src/entrypoints/bootstrap.js';
import { TestDatabase, sqlOnPrimary } from '../../support/databases.js';
import { RecordingBusMonitor, testConfig, testHandlerDeps, testStamping } from '../../support/test-container.js';

const NOW = new Date('2026-11-22T10:00:00.000Z');

async function storedUsers(db: TestDatabase): Promise<string[]> {
  const rows = await sqlOnPrimary<{ user_id: string }>(db.name, 'select user_id from notification_preferences order by 1');
  return rows.map((r) => r.user_id);
}

describe('KyselyUnitOfWork', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;

  before(async () => {
    db = await TestDatabase.create('it_uow');
    kysely = db.kysely();
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });

  const prefs = (id: string) => NotificationPreferences.create(UserId.of(id), EmailAddress.of(`${id}@example.com`), preferenceFlags(), NOW);

  it('commits the work and then hands over the events it raised', async () => {
    const outcome = await new KyselyUnitOfWork(kysely, testStamping()).execute(async (uow) => {
      await uow.preferences.add(prefs('committed'));
      return 'done';
    });
    expect(outcome.result).to.equal('done');
    expect(outcome.events.map((e) => e.type)).to.deep.equal(['NotificationPreferencesCreated']);
    expect(await storedUsers(db)).to.include('committed');
  });

  it('rolls back every write when the work throws, and hands over no events', async () => {
    let error: unknown;
    try {
      await new KyselyUnitOfWork(kysely, testStamping()).execute(async (uow) => {
        await uow.preferences.add(prefs('rolled-back-1'));
        await uow.preferences.add(prefs('rolled-back-2'));
        throw new Error('boom');
      });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.equal('boom');
    expect(await storedUsers(db)).to.not.include.members(['rolled-back-1', 'rolled-back-2']);
  });

  it('backs the message bus of the real composition root', async () => {
    const monitor = new RecordingBusMonitor();
    const seen: string[] = [];
    const registry = buildHandlerRegistry(testHandlerDeps(new SystemClock(), new UuidGenerator()));
    const handlers = {
      ...registry,
      events: {
        ...registry.events,
        NotificationPreferencesCreated: [{ name: 'record', handle: async (e: { userId: string }) => void seen.push(e.userId) }],
      },
    };
    const app = new AppContainer(testConfig({ DATABASE_URL: db.url }), { busMonitor: monitor, handlers });
    try {
      const view = await app.get('bus').handle({
        type: 'CreatePreferences',
        userId: 'through-the-bus',
        notificationEmail: 'bus@example.com',
        preferences: { security_alert: false },
      });
      expect(view.preferences.security_alert).to.equal(false);
      expect(monitor.handledTypes).to.deep.equal(['CreatePreferences', 'NotificationPreferencesCreated']);
      expect(seen).to.deep.equal(['through-the-bus']);
      const found = await app.get('preferencesQuery').ofUser('through-the-bus');
      expect(found.notificationEmail).to.equal('bus@example.com');
    } finally {
      await app.close();
    }
  });
});
