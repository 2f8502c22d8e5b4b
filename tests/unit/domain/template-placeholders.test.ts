import { expect } from 'chai';
import { Eta } from 'eta';
import { etaTemplateTokens } from '../../../src/adapters/templates/eta-template-tokens.js';
import { templateHelpers } from '../../../src/adapters/templates/template-helpers.js';
import { InvalidValueError } from '../../../src/domain/errors.js';
import { checkTemplate } from '../../../src/domain/template-grammar.js';
import { convertPlaceholders } from '../../../src/domain/template-placeholders.js';
import { thrown } from '../rejection.js';

const convert = (text: string) => convertPlaceholders('body', text);
const refusal = (text: string) => {
  const error = thrown(() => convert(text));
  expect(error).to.be.instanceOf(InvalidValueError);
  expect((error as InvalidValueError).field).to.equal('body');
  return error.message;
};

// [placeholder text, what it becomes]
const CONVERSIONS: ReadonlyArray<readonly [string, string]> = [
  ['Hi {{ name }}!', 'Hi <%= it.name %>!'],
  ['{{name}} {{  name  }}', '<%= it.name %> <%= it.name %>'],
  ['Total {{ order.total }}', 'Total <%= it.order.total %>'],
  ['First {{ order.items.0.sku }}', 'First <%= it.order.items[0].sku %>'],
  ['{{ amount | currency }}', '<%= currency(it.amount) %>'],
  ["{{ amount | currency:'EUR' }}", "<%= currency(it.amount, 'EUR') %>"],
  ['{{amount|currency:"EUR"}}', '<%= currency(it.amount, "EUR") %>'],
  ['{{ name | upper }} {{ name | lower }}', '<%= upper(it.name) %> <%= lower(it.name) %>'],
  ['{{ note | truncate: 40 }}', '<%= truncate(it.note, 40) %>'],
  ["{{ nick | default:'friend, dear' }}", "<%= default(it.nick, 'friend, dear') %>"],
  ["{{ at | datetime:'short' }} {{ on | date }} {{ n | number:2 }}", "<%= datetime(it.at, 'short') %> <%= date(it.on) %> <%= number(it.n, 2) %>"],
  ['{{{ html }}}', '<%= it.html %>'],
  ['Dear {name}, order {order.id}', 'Dear <%= it.name %>, order <%= it.order.id %>'],
  ['<style>a { color: red } p {margin: 0}</style>{"json": {"a": 1}} {0} { name } {a-b}', '<style>a { color: red } p {margin: 0}</style>{"json": {"a": 1}} {0} { name } {a-b}'],
];

describe('placeholder templates', () => {
  for (const [text, source] of CONVERSIONS) {
    it(`convert ${JSON.stringify(text)}`, () => {
      expect(convert(text).source).to.equal(source);
    });
  }

  it('convert to templates the safe grammar accepts, as text and as HTML', () => {
    for (const [text] of CONVERSIONS) {
      for (const kind of ['text', 'html'] as const) {
        expect(() => checkTemplate('body', kind, convert(text).source, etaTemplateTokens('body')), text).not.to.throw();
      }
    }
  });

  it('render through eta with the helpers', () => {
    const eta = new Eta({ autoEscape: true, autoTrim: false, functionHeader: 'const { currency, upper } = it.helpers;' });
    const { source } = convert("{{ name | upper }} owes {{ amount | currency:'EUR' }} for {order.id}");
    const vars = { name: 'ann', amount: '12.5', order: { id: 7 }, helpers: templateHelpers() };
    expect(eta.renderString(source, vars)).to.equal('ANN owes €12.50 for 7');
  });

  it('list the top-level variables read, in order of first use, once each', () => {
    expect(convert("{{ b.x }} {a} {{ b.y | upper }} {{ c | default:'-' }} {a}").variables).to.deep.equal(['b', 'a', 'c']);
    expect(convert('no placeholders { here }').variables).to.deep.equal([]);
  });

  it('refuse text holding eta tags of its own', () => {
    for (const text of ['Hi <%= it.name %>', '<% process.exit() %>', '{{ name }} %>', 'a <%']) expect(refusal(text)).to.contain('eta tags');
  });

  it('refuse an unknown filter, naming it', () => {
    expect(refusal('{{ amount | money }}')).to.equal('body: placeholder {{ amount | money }}: "money" is not a filter (currency, number, date, datetime, upper, lower, truncate, default)');
    expect(refusal("{{ a | json:'x' }}")).to.contain('"json" is not a filter');
  });

  it('refuse names that are not plain paths, naming the placeholder', () => {
    expect(refusal('{{ user-name }}')).to.equal('body: placeholder {{ user-name }}: "user-name" is not a plain name (letters, digits, underscore, dots)');
    for (const text of ['{{ a b }}', '{{ }}', '{{ a[0] }}', '{{ a..b }}', '{{ $x }}', '{{ a.1b }}', '{{ a.1234567 }}', '{{ fn() }}']) expect(refusal(text), text).to.contain(`placeholder ${text}`);
  });

  it('refuse names that reach into objects', () => {
    for (const text of ['{{ __proto__ }}', '{{ a.constructor }}', '{a.__proto__.x}', '{constructor}', '{{ a.prototype | upper }}']) expect(refusal(text), text).to.contain(`placeholder ${text}`);
  });

  it('refuse filter arguments that are not quoted strings or numbers, and chained filters', () => {
    for (const text of ['{{ a | currency:EUR }}', "{{ a | currency:'E<b>' }}", "{{ a | currency:'a'b' }}", '{{ a | truncate:1e3 }}', '{{ a | upper | lower }}']) {
      expect(refusal(text), text).to.contain(`placeholder ${text}`);
    }
  });
});
