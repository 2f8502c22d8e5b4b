import { expect } from 'chai';
import { numberFormat } from '../../../src/adapters/templates/intl-formatters.js';
import { TRUNCATE_MAX, templateHelpers } from '../../../src/adapters/templates/template-helpers.js';
import { TEMPLATE_HELPERS } from '../../../src/domain/template-tags.js';

const en = templateHelpers();
const paris = templateHelpers({ locale: 'fr-FR', timeZone: 'Europe/Paris' });
const newYork = templateHelpers({ locale: 'en-US', timeZone: 'America/New_York' });
// Intl separates with no-break spaces; the tests read better with plain ones.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('template helpers', () => {
  it('implement every helper the grammar allows, and no other', () => {
    expect(Object.keys(en).sort()).to.deep.equal([...TEMPLATE_HELPERS].sort());
    for (const name of TEMPLATE_HELPERS) expect(en[name]).to.be.a('function');
    expect(Object.isFrozen(en)).to.equal(true);
  });

  it('format money in the recipient locale, USD by default, numeric strings too', () => {
    expect(en.currency(1234.5)).to.equal('$1,234.50');
    expect(plain(paris.currency('19.99', 'eur'))).to.equal('19,99 €');
    expect(plain(en.currency(1, 'XYZ'))).to.equal('XYZ 1.00');
    expect(en.currency(1, '$$')).to.equal('1.00');
    expect([en.currency('twelve'), en.currency({ amount: 1 }), en.currency(null)]).to.deep.equal(['twelve', '', '']);
  });

  it('format numbers with at most the decimals asked, 0 to 20', () => {
    expect([en.number(1234.5678), en.number(1234.5678, 1), en.number('2.5', 0), plain(paris.number(1234.5))]).to.deep.equal(['1,234.568', '1,234.6', '3', '1 234,5']);
    expect(en.number(0.1, 99)).to.equal('0.1');
    expect([en.number('n/a'), en.number(Number.NaN)]).to.deep.equal(['n/a', 'NaN']);
  });

  it('format dates and times in the recipient time zone and locale, medium by default', () => {
    const instant = '2024-03-05T23:30:00Z';
    expect(plain(en.datetime(instant))).to.equal('Mar 5, 2024, 11:30:00 PM');
    expect(plain(paris.datetime(instant, 'short'))).to.equal('06/03/2024 00:30');
    expect(paris.date(instant, 'full')).to.equal('mercredi 6 mars 2024');
    expect([newYork.date(instant, 'long'), newYork.date('2024-03-05T10:00:00+0100', 'short'), en.date(0)]).to.deep.equal(['March 5, 2024', '3/5/24', 'Jan 1, 1970']);
    expect(en.date(instant, 'gigantic')).to.equal('Mar 5, 2024');
  });

  it('show a calendar day as that day in every time zone', () => {
    expect([newYork.date('2024-03-05'), paris.date('2024-03-05')]).to.deep.equal(['Mar 5, 2024', '5 mars 2024']);
  });

  it('print a date they cannot read as written, guessing at nothing', () => {
    expect([en.date('2024-13-45'), en.date('yesterday'), en.date('1'), en.datetime({}), en.date(Number.MAX_VALUE)]).to.deep.equal(['2024-13-45', 'yesterday', '1', '', '1.7976931348623157e+308']);
  });

  it('fall back to en and UTC for a locale or time zone Intl does not know', () => {
    const odd = templateHelpers({ locale: 'not a locale!!', timeZone: 'Mars/Olympus_Mons' });
    expect([odd.currency(3), plain(odd.datetime('2024-03-05T23:30:00Z', 'long'))]).to.deep.equal(['$3.00', 'March 5, 2024 at 11:30:00 PM UTC']);
  });

  it('change case by the recipient locale', () => {
    expect([en.upper('straße'), templateHelpers({ locale: 'tr', timeZone: 'UTC' }).upper('i'), en.lower('ÀB'), en.upper(42)]).to.deep.equal(['STRASSE', 'İ', 'àb', '42']);
  });

  it('truncate to at most the length asked, the ellipsis included, never splitting a character', () => {
    expect([en.truncate('Hello world', 6), en.truncate('Hello', 5), en.truncate('😀😀😀', 2), en.truncate('abc', 0)]).to.deep.equal(['Hello…', 'Hello', '😀…', '…']);
    const long = 'x'.repeat(TRUNCATE_MAX * 3);
    expect([en.truncate(long, 1e12).length, en.truncate(long, 'ten').length, en.truncate(long).length]).to.deep.equal([TRUNCATE_MAX, TRUNCATE_MAX, TRUNCATE_MAX]);
  });

  it('give the fallback for a missing or empty value only', () => {
    expect([en.default(undefined, 'friend'), en.default(null, 'friend'), en.default('', 'friend')]).to.deep.equal(['friend', 'friend', 'friend']);
    expect([en.default(0, 'none'), en.default(false, 'yes'), en.default('Ann', 'friend'), en.default(undefined, { x: 1 })]).to.deep.equal(['0', 'false', 'Ann', '']);
  });

  it('never throw and always answer a string, whatever a sender puts in', () => {
    const hostile: unknown[] = [undefined, null, Number.NaN, -Infinity, -0, '', '1e999', {}, [], [1, 2], Symbol('s'), () => 1, Object.create(null), new Date(Number.NaN), 10n, '\u0000', 'x'.repeat(100_000)];
    for (const name of TEMPLATE_HELPERS) {
      for (const value of hostile) {
        for (const option of [undefined, value, 'EUR', 'full', -1, Infinity]) {
          expect(en[name](value, option), `${name}(${typeof value}, ${typeof option})`).to.be.a('string');
        }
      }
    }
  });

  it('reuse a cached formatter, within a bounded cache', () => {
    const first = numberFormat('en', { maximumFractionDigits: 1 });
    expect(numberFormat('en', { maximumFractionDigits: 1 })).to.equal(first);
    for (let digits = 0; digits < 300; digits++) numberFormat('en', { minimumIntegerDigits: (digits % 21) + 1, maximumFractionDigits: digits % 20 });
    expect(numberFormat('en', { maximumFractionDigits: 1 })).not.to.equal(first);
  });
});
