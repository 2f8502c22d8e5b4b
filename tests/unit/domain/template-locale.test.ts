import { expect } from 'chai';
import { InvalidValueError } from '../../../src/domain/errors.js';
import { canonicalLocale, localeFallbacks, pickVariant } from '../../../src/domain/template-locale.js';
import { thrown } from '../rejection.js';

const variants = [
  { channel: 'email', locale: 'en', subject: 'Hello' },
  { channel: 'email', locale: 'fr', subject: 'Bonjour' },
  { channel: 'email', locale: 'fr-CA', subject: 'Allô' },
  { channel: 'sms', locale: 'de', subject: 'Hallo' },
];
const subject = (channel: string, locale: string | null) => pickVariant(variants, channel, locale, 'en')?.subject ?? null;

describe('template locales', () => {
  it('write a locale in its canonical form and refuse what is not one, naming the field', () => {
    expect(['fr-be', 'EN', 'zh-hant-tw'].map((l) => canonicalLocale(l))).to.deep.equal(['fr-BE', 'en', 'zh-Hant-TW']);
    for (const bad of ['', 'french!', 'x'.repeat(40), 'fr_BE', '-fr']) {
      const error = thrown(() => canonicalLocale(bad, 'variants[0].locale'));
      expect(error, bad).to.be.instanceOf(InvalidValueError).with.property('field', 'variants[0].locale');
    }
  });

  it('fall back from the most specific locale to its language, then to the default', () => {
    expect(localeFallbacks('fr-BE', 'en')).to.deep.equal(['fr-BE', 'fr', 'en']);
    expect(localeFallbacks('zh-Hant-TW', 'en')).to.deep.equal(['zh-Hant-TW', 'zh-Hant', 'zh', 'en']);
    expect(localeFallbacks('en-GB', 'en')).to.deep.equal(['en-GB', 'en']);
    expect(localeFallbacks(null, 'de')).to.deep.equal(['de']);
  });

  it("pick the channel's variant in the best locale it has", () => {
    expect(subject('email', 'fr-BE')).to.equal('Bonjour');
    expect(subject('email', 'fr-ca')).to.equal('Allô');
    expect(subject('email', 'de-AT')).to.equal('Hello');
    expect(subject('email', null)).to.equal('Hello');
    expect(subject('sms', 'de')).to.equal('Hallo');
    expect(subject('sms', 'fr')).to.equal(null);
    expect(subject('push', 'en')).to.equal(null);
  });
});
