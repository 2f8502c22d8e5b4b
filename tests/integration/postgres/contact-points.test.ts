import { expect } from 'chai';
import { type Kysely, Migrator, sql } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { migrateToLatest } from '../../../src/adapters/postgres/migrator.js';
import { KyselyPreferencesReadModel } from '../../../src/adapters/postgres/read-models.js';
import { ReadRouter } from '../../../src/adapters/postgres/read-router.js';
import { KyselySuppressionReadModel } from '../../../src/adapters/postgres/suppression-read-model.js';
import { KyselyWebhookEndpoints } from '../../../src/adapters/postgres/webhook-endpoints.js';
import type { UnitOfWork } from '../../../src/application/ports/unit-of-work.js';
import { EmailAddress } from '../../../src/domain/email-address.js';
import { NotificationPreferences, preferenceFlags } from '../../../src/domain/notification-preferences.js';
import { PhoneNumber } from '../../../src/domain/phone-number.js';
import { Suppression } from '../../../src/domain/suppression.js';
import { UserId } from '../../../src/domain/user-id.js';
import { WebhookUrl } from '../../../src/domain/webhook-url.js';
import { migrations } from '../../../src/migrations/index.js';
import { FakeClock } from '../../support/fakes.js';
import { TestDatabase, sqlOnPrimary } from '../../support/databases.js';
import { testStamping } from '../../support/test-container.js';
import { T0, at } from '../../unit/mothers.js';
import { rejection } from '../../unit/rejection.js';

const HOOK = 'https://hooks.example.com/notify';
const HOUR_S = 3600;
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('contact points and suppressions in PostgreSQL', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let router: ReadRouter;
  const work = <T>(fn: (uow: UnitOfWork) => Promise<T>) => new KyselyUnitOfWork(kysely, testStamping()).execute(fn).then((o) => o.result);
  const load = (userId: string) => work((uow) => uow.preferences.get(UserId.of(userId)));

  /** A profile with every contact point; its webhook secret is whsec_1. */
  async function stored(userId: string): Promise<void> {
    const change = { phoneNumber: PhoneNumber.of('+15551234567'), pushTokens: ['tok-a', 'tok-b'], webhookUrl: WebhookUrl.of(HOOK), mintSecret: () => 'whsec_1' };
    const created = NotificationPreferences.create(UserId.of(userId), EmailAddress.of('ada@example.com'), preferenceFlags(), T0, null, change);
    await work((uow) => uow.preferences.add(created));
  }

  async function changed(userId: string, change: (p: NotificationPreferences) => unknown): Promise<void> {
    await work(async (uow) => {
      const preferences = await uow.preferences.get(UserId.of(userId));
      if (!preferences) throw new Error(`no preferences for ${userId}`);
      change(preferences);
      await uow.preferences.save(preferences);
    });
  }

  before(async () => {
    db = await TestDatabase.create('it_contact_points');
    kysely = db.kysely();
    router = new ReadRouter(kysely, null, { maxLagSeconds: 5, checkIntervalMs: 1000 }, { fellBack: () => undefined, replicationLag: () => undefined });
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });

  describe('the preferences repository', () => {
    it('stores and loads every contact point and the webhook secrets', async () => {
      await stored('round-trip');
      await changed('round-trip', (p) => p.rotateWebhookSecret('whsec_2', at(10)));
      await changed('round-trip', (p) => p.disableWebhook(HOOK, at(20)));
      expect((await load('round-trip'))?.snapshot()).to.deep.include({
        phoneNumber: '+15551234567',
        pushTokens: ['tok-a', 'tok-b'],
        webhook: { url: HOOK, secret: 'whsec_2', previousSecret: 'whsec_1', previousExpiresAt: at(10 + 24 * HOUR_S), disabledAt: at(20) },
        version: 4,
      });
    });

    it('stores a profile without contact points as none, and clears them again', async () => {
      await stored('cleared');
      await changed('cleared', (p) => p.replace(p.notificationEmail, preferenceFlags(), at(1), { phoneNumber: null, pushTokens: [], webhookUrl: null }));
      expect((await load('cleared'))?.snapshot()).to.deep.include({ phoneNumber: null, pushTokens: [], webhook: null });
      const [row] = await sqlOnPrimary(db.name, "select webhook_secret, webhook_previous_secret from notification_preferences where user_id = 'cleared'");
      expect(row).to.deep.equal({ webhook_secret: null, webhook_previous_secret: null });
    });

    it('answers a read without any secret', async () => {
      await stored('reader');
      const view = await new KyselyPreferencesReadModel(router).find('reader');
      expect(view).to.deep.include({ phoneNumber: '+15551234567', pushTokens: ['tok-a', 'tok-b'], webhookUrl: HOOK, webhookDisabledAt: null });
      expect(JSON.stringify(view)).to.not.include('whsec_');
    });

    it('is held by the table to its rules: a URL has a secret, at most ten tokens', async () => {
      for (const set of [sql`webhook_secret = null`, sql`push_tokens = array_fill('t'::text, array[11])`, sql`webhook_previous_expires_at = null, webhook_previous_secret = 'x'`]) {
        const error = await rejection(sql`update notification_preferences set ${set} where user_id = 'reader'`.execute(kysely));
        expect(error.message).to.match(/violates check constraint/);
      }
    });
  });

  describe('KyselyWebhookEndpoints.signingSecrets', () => {
    const clock = new FakeClock(at(100));
    const endpoints = () => new KyselyWebhookEndpoints(kysely, clock);

    before(async () => {
      await stored('signer');
      await changed('signer', (p) => p.rotateWebhookSecret('whsec_2', at(100)));
    });

    it('answers the current and the previous secret until the previous one expires, then the current one', async () => {
      expect(await endpoints().signingSecrets('signer', HOOK)).to.deep.equal(['whsec_2', 'whsec_1']);
      clock.advance(24 * HOUR_S * 1000 - 1);
      expect(await endpoints().signingSecrets('signer', HOOK)).to.deep.equal(['whsec_2', 'whsec_1']);
      clock.advance(1);
      expect(await endpoints().signingSecrets('signer', HOOK)).to.deep.equal(['whsec_2']);
    });

    it('answers none for a URL that is not the current one, an unknown user, or a disabled endpoint', async () => {
      expect(await endpoints().signingSecrets('signer', 'https://old.example.com/')).to.deep.equal([]);
      expect(await endpoints().signingSecrets('nobody', HOOK)).to.deep.equal([]);
      await changed('signer', (p) => p.disableWebhook(HOOK, at(200)));
      expect(await endpoints().signingSecrets('signer', HOOK)).to.deep.equal([]);
    });
  });

  describe('suppressions', () => {
    const sms = (address: string, n: number, reason = 'opted_out') => Suppression.of({ channel: 'sms', address, reason, source: 'sms_stop' }, uuid(n), at(n));
    const list = (channel: 'sms' | 'email' | null, address: string | null, page = 1, size = 20) =>
      new KyselySuppressionReadModel(router).page({ channel, address }, page, size);

    it('adds one per channel and address: adding it again answers the first', async () => {
      const first = await work((uow) => uow.suppressions.add(sms('+15550000001', 1)));
      const again = await work((uow) => uow.suppressions.add(sms('+15550000001', 2, 'manual')));
      expect(again).to.deep.equal(first);
      expect(first).to.deep.equal({ id: uuid(1), channel: 'sms', address: '+15550000001', reason: 'opted_out', source: 'sms_stop', createdAt: at(1) });
      expect(await work((uow) => uow.suppressions.isSuppressed('sms', '+15550000001'))).to.equal(true);
      expect(await work((uow) => uow.suppressions.isSuppressed('email', '+15550000001'))).to.equal(false);
    });

    it('keeps the first of two concurrent adds of one address', async () => {
      const [a, b] = await Promise.all([work((uow) => uow.suppressions.add(sms('+15550000002', 3))), work((uow) => uow.suppressions.add(sms('+15550000002', 4)))]);
      expect(a).to.deep.equal(b);
      expect((await list('sms', '+15550000002')).total).to.equal(1);
    });

    it('lists them newest first, by channel and address, a page at a time', async () => {
      await work((uow) => uow.suppressions.add(sms('+15550000003', 5)));
      await work((uow) => uow.suppressions.add(Suppression.of({ channel: 'email', address: 'ada@example.com', reason: 'bounced', source: 'smtp' }, uuid(6), at(6))));
      const page = await list('sms', null, 1, 2);
      expect([page.total, page.suppressions.map((s) => s.id)]).to.deep.equal([3, [uuid(5), uuid(3)]]);
      expect((await list('sms', null, 2, 2)).suppressions.map((s) => s.id)).to.deep.equal([uuid(1)]);
      expect((await list(null, 'ada@example.com')).suppressions.map((s) => s.reason)).to.deep.equal(['bounced']);
      expect((await list(null, null)).total).to.equal(4);
    });

    it('lifts one by id once; an unknown or malformed id lifts nothing', async () => {
      expect(await work((uow) => uow.suppressions.lift(uuid(5)))).to.equal(true);
      expect(await work((uow) => uow.suppressions.lift(uuid(5)))).to.equal(false);
      expect(await work((uow) => uow.suppressions.lift('not-a-uuid'))).to.equal(false);
      expect(await work((uow) => uow.suppressions.isSuppressed('sms', '+15550000003'))).to.equal(false);
    });
  });
});

describe('migration 20261129T0600-contact-points', () => {
  it('gives the profiles stored before it no contact points', async () => {
    const db = await TestDatabase.create('it_contact_points_migration', { migrate: false });
    const kysely = db.kysely();
    try {
      const { error } = await new Migrator({ db: kysely, provider: { getMigrations: async () => migrations } }).migrateTo('20261129T0500-notification-template-version');
      expect(error).to.equal(undefined);
      await sql`insert into notification_preferences (user_id, notification_email, preferences, version, created_at, updated_at)
                values ('before', 'b@example.com', '{"welcome": false}', 3, now(), now())`.execute(kysely);
      await migrateToLatest(kysely);
      const preferences = await new KyselyUnitOfWork(kysely, testStamping()).execute((uow) => uow.preferences.get(UserId.of('before')));
      expect(preferences.result?.snapshot()).to.deep.include({ phoneNumber: null, pushTokens: [], webhook: null, version: 4 });
      expect(preferences.result?.allows('welcome')).to.equal(false);
    } finally {
      await kysely.destroy();
      await db.drop();
    }
  });
});
