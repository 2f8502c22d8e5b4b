import { expect } from 'chai';
import { ChannelFlags } from '../../../src/domain/channel-flags.js';
import { ChannelOverrides } from '../../../src/domain/channel-overrides.js';
import { DeliverySettings } from '../../../src/domain/delivery-settings.js';
import { type InvalidDeliverySettingsError, InvalidValueError } from '../../../src/domain/errors.js';
import { Language } from '../../../src/domain/language.js';
import { QuietHours } from '../../../src/domain/quiet-hours.js';
import { TimeZone } from '../../../src/domain/time-zone.js';
import { thrown } from '../rejection.js';

function refusal(call: () => unknown): [string, string] {
  const error = thrown(call);
  expect(error).to.be.instanceOf(InvalidValueError);
  return [(error as InvalidValueError).field, (error as InvalidValueError).reason];
}

const ALL_ON = { email: true, sms: true, push: true, webhook: true, in_app: true };

describe('Language', () => {
  it('canonicalises a BCP 47 tag', () => {
    expect([Language.of('fr-be'), Language.of('EN'), Language.of('zh-hant-tw')]).to.deep.equal(['fr-BE', 'en', 'zh-Hant-TW']);
  });

  it('refuses what is not a tag, naming the field', () => {
    for (const raw of ['', 'français', 'fr_BE_', 'x'.repeat(40), 42, null]) {
      expect(refusal(() => Language.of(raw))[0], JSON.stringify(raw)).to.equal('language');
    }
    expect(refusal(() => Language.of('??', 'preferred_language'))).to.deep.equal(['preferred_language', 'must be a BCP 47 locale such as fr or fr-BE']);
  });
});

describe('TimeZone', () => {
  it('keeps an IANA name in the case Intl spells it', () => {
    expect([TimeZone.of('europe/brussels'), TimeZone.of('UTC'), TimeZone.of('America/New_York')]).to.deep.equal(['Europe/Brussels', 'UTC', 'America/New_York']);
  });

  it('keeps an alias as given rather than ICU’s canonical name', () => {
    expect([TimeZone.of('Asia/Kolkata'), TimeZone.of('Europe/Kyiv')]).to.deep.equal(['Asia/Kolkata', 'Europe/Kyiv']);
  });

  it('refuses an unknown zone, an offset and a non-string, quoting what was given', () => {
    expect(refusal(() => TimeZone.of('Mars/Olympus'))).to.deep.equal(['timezone', 'must be an IANA time zone such as Europe/Brussels, not "Mars/Olympus"']);
    for (const raw of ['+01:00', '', 'Europe/'.repeat(20), 7]) expect(refusal(() => TimeZone.of(raw))[0], String(raw)).to.equal('timezone');
  });
});

describe('ChannelFlags', () => {
  it('has every channel on unless turned off', () => {
    expect(ChannelFlags.of({ sms: false }).values()).to.deep.equal({ ...ALL_ON, sms: false });
    expect(ChannelFlags.ALL_ON.values()).to.deep.equal(ALL_ON);
    expect(ChannelFlags.of({ push: false }).allows('push')).to.equal(false);
  });

  it('refuses an unknown channel and a non-boolean, naming the key', () => {
    expect(refusal(() => ChannelFlags.of({ fax: true }))).to.deep.equal(['channels.fax', 'must be one of email, sms, push, webhook, in_app']);
    expect(refusal(() => ChannelFlags.of({ email: 'yes' }))).to.deep.equal(['channels.email', 'must be true or false']);
    // Every bad key at once, not only the first.
    const all = thrown(() => ChannelFlags.of({ fax: true, pager: true, sms: 1 })) as InvalidDeliverySettingsError;
    expect(all.problems.map((p) => p.field)).to.deep.equal(['channels.fax', 'channels.pager', 'channels.sms']);
    const nested = thrown(() => ChannelOverrides.of({ welcome: { fax: true, sms: 'no' }, 'Bad Type': {} })) as InvalidDeliverySettingsError;
    expect(nested.problems.map((p) => p.field)).to.deep.equal(['overrides.welcome.fax', 'overrides.welcome.sms', 'overrides.Bad Type']);
  });

  it('restores stored flags with a missing channel on and compares by value', () => {
    const restored = ChannelFlags.restore({ sms: false, pager: false });
    expect(restored.values()).to.deep.equal({ ...ALL_ON, sms: false });
    expect(restored.equals(ChannelFlags.of({ sms: false }))).to.equal(true);
    expect(restored.equals(ChannelFlags.ALL_ON)).to.equal(false);
  });
});

describe('ChannelOverrides', () => {
  it('answers the decision for a type and channel, null where there is none', () => {
    const overrides = ChannelOverrides.of({ order_status_update: { push: true, email: false } });
    expect(overrides.decision('order_status_update', 'push')).to.equal(true);
    expect(overrides.decision('order_status_update', 'email')).to.equal(false);
    expect(overrides.decision('order_status_update', 'sms')).to.equal(null);
    expect(overrides.decision('welcome', 'push')).to.equal(null);
    expect(overrides.decision('constructor', 'push')).to.equal(null);
  });

  it('drops a type with no channel and lists the types it overrides', () => {
    const overrides = ChannelOverrides.of({ welcome: {}, invoice_due: { sms: false } });
    expect(overrides.types).to.deep.equal(['invoice_due']);
    expect(overrides.values()).to.deep.equal({ invoice_due: { sms: false } });
  });

  it('refuses a malformed type, an unknown channel, a non-object and a non-boolean, naming each', () => {
    expect(refusal(() => ChannelOverrides.of({ 'Not A Type': { push: true } }))[0]).to.equal('overrides.Not A Type');
    expect(refusal(() => ChannelOverrides.of({ welcome: { fax: true } }))).to.deep.equal(['overrides.welcome.fax', 'must be one of email, sms, push, webhook, in_app']);
    expect(refusal(() => ChannelOverrides.of({ welcome: true }))).to.deep.equal(['overrides.welcome', 'must map channels to true or false']);
    expect(refusal(() => ChannelOverrides.of({ welcome: { sms: 1 } }))).to.deep.equal(['overrides.welcome.sms', 'must be true or false']);
  });

  it('refuses more than 100 types', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`type_${i}`, { sms: true }]));
    expect(refusal(() => ChannelOverrides.of(many))).to.deep.equal(['overrides', 'may name at most 100 types']);
  });

  it('compares by value whatever the order', () => {
    const a = ChannelOverrides.of({ welcome: { sms: true, push: false }, invoice_due: { email: false } });
    const b = ChannelOverrides.of({ invoice_due: { email: false }, welcome: { push: false, sms: true } });
    expect(a.equals(b)).to.equal(true);
    expect(a.equals(ChannelOverrides.of({ welcome: { sms: true, push: false } }))).to.equal(false);
    expect(a.equals(ChannelOverrides.of({ welcome: { sms: true, push: true }, invoice_due: { email: false } }))).to.equal(false);
  });
});

describe('DeliverySettings', () => {
  const full = DeliverySettings.DEFAULT.changed({
    language: 'fr-BE',
    timeZone: 'Europe/Brussels',
    quietHours: QuietHours.of('22:00', '08:00'),
    channels: ChannelFlags.of({ sms: false }),
    overrides: ChannelOverrides.of({ welcome: { sms: true } }),
  });

  it('shows defaults when nothing is set', () => {
    expect(DeliverySettings.DEFAULT.fields()).to.deep.equal({ language: null, timeZone: null, quietHours: null, channels: ALL_ON, overrides: {} });
  });

  it('keeps an absent field and clears a null one (channels back to all on)', () => {
    expect(full.changed({}).equals(full)).to.equal(true);
    expect(full.changed({ language: null, channels: null }).fields()).to.deep.equal({
      language: null,
      timeZone: 'Europe/Brussels',
      quietHours: { start: '22:00', end: '08:00' },
      channels: ALL_ON,
      overrides: { welcome: { sms: true } },
    });
    expect(full.changed({ quietHours: null, overrides: null, timeZone: null }).fields()).to.include({ quietHours: null, timeZone: null });
  });

  it('restores what it shows', () => {
    const restored = DeliverySettings.restore(full.fields());
    expect(restored.equals(full)).to.equal(true);
    expect(restored.fields()).to.deep.equal(full.fields());
    expect(restored.equals(full.changed({ quietHours: QuietHours.of('23:00', '07:00') }))).to.equal(false);
  });

  it('reads a stored time zone this Node no longer knows as none (UTC), rather than failing every request for the user', () => {
    const stored = { language: null, timeZone: 'Mars/Olympus_Mons', quietHours: null, channels: ChannelFlags.ALL_ON.values(), overrides: {} };
    expect(DeliverySettings.restore(stored).timeZone).to.equal(null);
    expect(DeliverySettings.restore({ ...stored, timeZone: 'Europe/Brussels' }).timeZone).to.equal('Europe/Brussels');
  });
});
