import { expect } from 'chai';
import type { TemplateCatalogue, TemplateRelease } from '../../../src/application/ports/template-catalogue.js';
import type { Command } from '../../../src/domain/commands.js';
import { InvalidDeliverySettingsError, PreferencesAlreadyExistError } from '../../../src/domain/errors.js';
import { FakeTemplateCatalogue } from '../../support/fakes.js';
import { fakeContainer } from '../../support/test-container.js';
import { NO_DELIVERY_SETTINGS } from '../mothers.js';
import { rejection } from '../rejection.js';

/** The shipped templates and one created over REST (`invoice_due`), recording what it was asked. */
class KnownKeys implements TemplateCatalogue {
  readonly asked: string[] = [];
  private readonly shipped = new FakeTemplateCatalogue();

  async live(key: string): Promise<TemplateRelease | null> {
    this.asked.push(key);
    return key === 'invoice_due' ? this.shipped.live('welcome') : this.shipped.live(key);
  }

  async version(key: string, version: number): Promise<TemplateRelease | null> {
    return this.shipped.version(key, version);
  }
}

function app() {
  const catalogue = new KnownKeys();
  return { ...fakeContainer({ templateCatalogue: catalogue }), catalogue };
}

const create = (fields: Partial<Extract<Command, { type: 'CreatePreferences' }>> = {}) =>
  ({ type: 'CreatePreferences', userId: 'u-1', notificationEmail: 'ada@example.com', preferences: {}, ...fields }) as const;
const replace = (fields: Partial<Extract<Command, { type: 'ReplacePreferences' }>> = {}) =>
  ({ type: 'ReplacePreferences', userId: 'u-1', notificationEmail: 'ada@example.com', preferences: {}, ...fields }) as const;

const FULL = {
  language: 'fr-be',
  timeZone: 'europe/brussels',
  quietHours: { start: '22:00', end: '08:00' },
  channels: { sms: false },
  overrides: { order_status_update: { push: true }, invoice_due: { email: false } },
};

async function problems(promise: Promise<unknown>): Promise<Array<[string, string]>> {
  const error = await rejection(promise);
  expect(error).to.be.instanceOf(InvalidDeliverySettingsError);
  return (error as InvalidDeliverySettingsError).problems.map((p) => [p.field, p.message]);
}

describe('preferences with delivery settings', () => {
  it('creates them canonicalised, answers and publishes every setting', async () => {
    const { bus, store } = app();
    const view = await bus.handle(create(FULL));
    const settings = {
      language: 'fr-BE',
      timeZone: 'Europe/Brussels',
      quietHours: { start: '22:00', end: '08:00' },
      channels: { ...NO_DELIVERY_SETTINGS.channels, sms: false },
      overrides: { order_status_update: { push: true }, invoice_due: { email: false } },
    };
    expect(view).to.deep.include(settings);
    expect(store.preferences.get('u-1')).to.deep.include(settings);
    const [published] = [...store.outbox.values()];
    expect(published?.body).to.deep.include({ language: 'fr-BE', timezone: 'Europe/Brussels', quiet_hours: settings.quietHours, channels: settings.channels, overrides: settings.overrides });
  });

  it('creates them with defaults when no setting is given', async () => {
    const { bus } = app();
    expect(await bus.handle(create())).to.deep.include(NO_DELIVERY_SETTINGS);
  });

  it('gives a profile created without a user id a new id', async () => {
    const { bus, store } = app();
    const view = await bus.handle(create({ userId: null }));
    expect(view.userId).to.be.a('string').and.not.equal('');
    expect(store.preferences.has(view.userId)).to.equal(true);
    const again = await bus.handle(create({ userId: null }));
    expect(again.userId).to.not.equal(view.userId);
  });

  it('keeps on PUT the settings the body leaves out, and clears those sent as null', async () => {
    const { bus } = app();
    await bus.handle(create(FULL));
    const kept = await bus.handle(replace({ preferences: { welcome: false } }));
    expect(kept.preferences).to.deep.include({ language: 'fr-BE', timeZone: 'Europe/Brussels', quietHours: { start: '22:00', end: '08:00' } });
    const cleared = await bus.handle(replace({ language: null, timeZone: null, quietHours: null, channels: null, overrides: null }));
    expect(cleared.preferences).to.deep.include(NO_DELIVERY_SETTINGS);
  });

  it('asks the catalogue only about overridden types that are not built in', async () => {
    const { bus, catalogue } = app();
    await bus.handle(create(FULL));
    // Then the welcome reaction asks for its own template.
    expect(catalogue.asked).to.deep.equal(['invoice_due', 'welcome']);
  });

  it('refuses an override of a type that no template has, naming overrides.<type>, and stores nothing', async () => {
    const { bus, store } = app();
    expect(await problems(bus.handle(create({ overrides: { invoice_due: { sms: true }, no_such_type: { push: true } } })))).to.deep.equal([
      ['overrides.no_such_type', 'is not a notification type: no built-in type or template has this key'],
    ]);
    expect(store.preferences.size).to.equal(0);
  });

  it('refuses an override of an unknown type on PUT too, keeping what was stored', async () => {
    const { bus, store } = app();
    await bus.handle(create(FULL));
    expect((await problems(bus.handle(replace({ overrides: { gone_type: { sms: true } } }))))[0]?.[0]).to.equal('overrides.gone_type');
    expect(store.preferences.get('u-1')?.overrides).to.deep.equal(FULL.overrides);
  });

  it('reports every unusable setting at once, without asking the catalogue', async () => {
    const { bus, catalogue } = app();
    const refused = await problems(
      bus.handle(
        create({
          language: 'not a tag',
          timeZone: 'Mars/Olympus',
          quietHours: { start: '25:00', end: '08:00' },
          channels: { fax: true },
          overrides: { invoice_due: { pager: true } },
        }),
      ),
    );
    expect(refused.map(([field]) => field)).to.deep.equal(['language', 'timezone', 'quiet_hours.start', 'channels.fax', 'overrides.invoice_due.pager']);
    expect(refused[1]?.[1]).to.equal('must be an IANA time zone such as Europe/Brussels, not "Mars/Olympus"');
    expect(catalogue.asked).to.deep.equal([]);
  });

  it('still refuses a profile that exists, after checking the settings', async () => {
    const { bus } = app();
    await bus.handle(create());
    expect(await rejection(bus.handle(create(FULL)))).to.be.instanceOf(PreferencesAlreadyExistError);
  });
});
