import { expect } from 'chai';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { KyselyPreferencesReadModel } from '../../../src/adapters/postgres/read-models.js';
import { ReadRouter } from '../../../src/adapters/postgres/read-router.js';
import type { UnitOfWork } from '../../../src/application/ports/unit-of-work.js';
import { ChannelFlags } from '../../../src/domain/channel-flags.js';
import { ChannelOverrides } from '../../../src/domain/channel-overrides.js';
import { EmailAddress } from '../../../src/domain/email-address.js';
import { NotificationPreferences, type PreferencesChange, preferenceFlags } from '../../../src/domain/notification-preferences.js';
import { QuietHours } from '../../../src/domain/quiet-hours.js';
import { UserId } from '../../../src/domain/user-id.js';
import { TestDatabase, sqlOnPrimary } from '../../support/databases.js';
import { testStamping } from '../../support/test-container.js';
import { NO_DELIVERY_SETTINGS, T0, at } from '../../unit/mothers.js';

const FULL: PreferencesChange = {
  language: 'fr-BE',
  timeZone: 'Europe/Brussels',
  quietHours: QuietHours.of('22:00', '08:00'),
  channels: ChannelFlags.of({ sms: false, webhook: false }),
  overrides: ChannelOverrides.of({ order_status_update: { push: true, email: false }, invoice_due: { sms: true } }),
};
const FULL_FIELDS = {
  language: 'fr-BE',
  timeZone: 'Europe/Brussels',
  quietHours: { start: '22:00', end: '08:00' },
  channels: { email: true, sms: false, push: true, webhook: false, in_app: true },
  overrides: { order_status_update: { push: true, email: false }, invoice_due: { sms: true } },
};

describe('delivery settings in PostgreSQL', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let router: ReadRouter;
  const work = <T>(fn: (uow: UnitOfWork) => Promise<T>) => new KyselyUnitOfWork(kysely, testStamping()).execute(fn).then((o) => o.result);
  const load = (userId: string) => work((uow) => uow.preferences.get(UserId.of(userId)));

  async function stored(userId: string, change: PreferencesChange): Promise<void> {
    const created = NotificationPreferences.create(UserId.of(userId), EmailAddress.of('ada@example.com'), preferenceFlags(), T0, null, change);
    await work((uow) => uow.preferences.add(created));
  }

  before(async () => {
    db = await TestDatabase.create('it_delivery_settings');
    kysely = db.kysely();
    router = new ReadRouter(kysely, null, { maxLagSeconds: 5, checkIntervalMs: 1000 }, { fellBack: () => undefined, replicationLag: () => undefined });
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });

  it('stores and loads every setting, and the read model shows them', async () => {
    await stored('full', FULL);
    const loaded = await load('full');
    expect(loaded?.snapshot()).to.deep.include(FULL_FIELDS);
    expect(loaded?.channelDecision('order_status_update', 'push')).to.equal(true);
    expect(loaded?.quietHours?.deferredUntil(new Date('2026-11-22T23:00:00Z'), loaded.timeZone ?? 'UTC')?.toISOString()).to.equal('2026-11-23T07:00:00.000Z');
    expect(await new KyselyPreferencesReadModel(router).find('full')).to.deep.include(FULL_FIELDS);
  });

  it('stores a profile without settings as defaults, and clears settings again', async () => {
    await stored('plain', {});
    expect((await load('plain'))?.snapshot()).to.deep.include(NO_DELIVERY_SETTINGS);
    await stored('cleared', FULL);
    await work(async (uow) => {
      const preferences = await uow.preferences.get(UserId.of('cleared'));
      preferences?.replace(preferences.notificationEmail, preferenceFlags(), at(60), { language: null, timeZone: null, quietHours: null, channels: null, overrides: null });
      if (preferences) await uow.preferences.save(preferences);
    });
    expect((await load('cleared'))?.snapshot()).to.deep.include({ ...NO_DELIVERY_SETTINGS, updatedAt: at(60) });
    const [row] = await sqlOnPrimary(db.name, "select quiet_hours_start, quiet_hours_end, channel_flags, overrides from notification_preferences where user_id = 'cleared'");
    expect(row).to.deep.equal({ quiet_hours_start: null, quiet_hours_end: null, channel_flags: NO_DELIVERY_SETTINGS.channels, overrides: {} });
  });

  it('reads a row written before the settings existed as every channel on, and a channel missing from a stored row as on', async () => {
    await sqlOnPrimary(db.name, "insert into notification_preferences (user_id, notification_email, preferences, version, created_at, updated_at) values ('older', 'old@example.com', '{}', 1, now(), now())");
    await sqlOnPrimary(db.name, `insert into notification_preferences (user_id, notification_email, preferences, version, created_at, updated_at, channel_flags)
                                 values ('partial', 'p@example.com', '{}', 1, now(), now(), '{"sms": false}')`);
    expect((await load('older'))?.snapshot()).to.deep.include(NO_DELIVERY_SETTINGS);
    expect((await new KyselyPreferencesReadModel(router).find('partial'))?.channels).to.deep.equal({ ...NO_DELIVERY_SETTINGS.channels, sms: false });
  });

  it('refuses quiet hours with one end only, or not HH:MM', async () => {
    for (const [start, end] of [["'22:00'", 'null'], ["'24:00'", "'08:00'"]]) {
      const insert = `insert into notification_preferences (user_id, notification_email, preferences, version, created_at, updated_at, quiet_hours_start, quiet_hours_end)
                      values ('bad', 'b@example.com', '{}', 1, now(), now(), ${start}, ${end})`;
      const error = await sqlOnPrimary(db.name, insert).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message, `${start}–${end}`).to.match(/notification_preferences_quiet_hours/);
    }
  });
});
