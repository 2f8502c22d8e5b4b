import { expect } from 'chai';
import { etaTemplateTokens } from '../../../src/adapters/templates/eta-template-tokens.js';
import { type InvalidValueError, TemplateVersionNotFoundError, UnsafeTemplateError } from '../../../src/domain/errors.js';
import { Template } from '../../../src/domain/template.js';
import type { TemplateDefinition, TemplateVariant } from '../../../src/domain/template-definition.js';
import { type TemplateFieldKind, checkTemplate } from '../../../src/domain/template-grammar.js';
import { templateVariable } from '../../../src/domain/template-variables.js';
import { thrown } from '../rejection.js';

const NOW = new Date('2026-11-29T10:00:00Z');
const LATER = new Date('2026-11-29T11:00:00Z');
const grammar = (field: string, kind: TemplateFieldKind, source: string) => checkTemplate(field, kind, source, etaTemplateTokens(field));
const email = (locale: string, subject = 'Hi <%= it.name %>'): TemplateVariant => ({ channel: 'email', locale, subject, html: '<p><%= it.name %></p>' });

function definition(overrides: Partial<TemplateDefinition> = {}): TemplateDefinition {
  return {
    description: 'Order shipped',
    priority: 'high',
    ttlSeconds: 3600,
    routing: { mode: 'all' },
    variables: [templateVariable({ name: 'name', type: 'string' }, 'variables[0]')],
    defaultLocale: 'en',
    variants: [email('en'), email('fr-BE', 'Salut <%= it.name %>'), { channel: 'sms', locale: 'en', body: 'Shipped, <%= it.name %>' }],
    ...overrides,
  };
}
const refusedField = (d: TemplateDefinition) => (thrown(() => Template.create('order.shipped', d, NOW, grammar)) as InvalidValueError).field;

describe('Template', () => {
  it('is created with version 1 live, and each save is a new draft until published', () => {
    const template = Template.create('order.shipped', definition(), NOW, grammar);
    expect(template.newVersions().map((v) => [v.version, v.definition.description])).to.deep.equal([[1, 'Order shipped']]);
    expect(template.saveDraft(definition({ description: 'v2' }), LATER, grammar)).to.equal(2);
    expect(template.snapshot()).to.deep.include({ liveVersion: 1, latestVersion: 2, builtIn: false, updatedAt: LATER });
    template.publish(2, LATER);
    expect(template.snapshot().liveVersion).to.equal(2);
    template.publish(1, LATER);
    expect(template.snapshot().liveVersion).to.equal(1);
    expect(template.newVersions().map((v) => v.version)).to.deep.equal([2]);
    expect(template.newVersions()).to.deep.equal([]);
  });

  it('refuses to publish a version it does not have', () => {
    const template = Template.restore({ key: 'k', builtIn: false, liveVersion: 1, latestVersion: 3, createdAt: NOW, updatedAt: NOW });
    for (const version of [0, 4, 1.5]) expect(thrown(() => template.publish(version, LATER))).to.be.instanceOf(TemplateVersionNotFoundError);
  });

  it('holds texts saved from outside to the safe grammar, built-in ones not, and any later save of a built-in', () => {
    const unsafe = definition({ variants: [email('en', '<%= process.pid %>')] });
    const error = thrown(() => Template.create('order.shipped', unsafe, NOW, grammar)) as UnsafeTemplateError;
    expect([error.field, error.tag]).to.deep.equal(['variants[0].subject', '<%= process.pid %>']);
    const builtIn = Template.builtIn('welcome', definition({ variants: [email('en', '<%= it.user.name.toUpperCase() %>')] }), NOW);
    expect(builtIn.snapshot().builtIn).to.equal(true);
    expect(thrown(() => builtIn.saveDraft(unsafe, LATER, grammar))).to.be.instanceOf(UnsafeTemplateError);
  });

  it('checks each text with the grammar of its field', () => {
    const kinds: string[] = [];
    const webhook: TemplateVariant = { channel: 'webhook', locale: 'en', payload: '{"n": <%~ json(it.name) %>}' };
    Template.create('k', definition({ variants: [email('en'), webhook] }), NOW, (field, kind) => kinds.push(`${field}:${kind}`));
    expect(kinds).to.deep.equal(['variants[0].subject:text', 'variants[0].html:html', 'variants[1].payload:payload']);
  });

  it('refuses a definition that does not hold together, naming the field', () => {
    expect(refusedField(definition({ variants: [] }))).to.equal('variants');
    expect(refusedField(definition({ variants: [email('en'), email('EN')] }))).to.equal('variants[1]');
    expect(refusedField(definition({ variants: [{ channel: 'email', locale: 'en', html: '<p>x</p>' }] }))).to.equal('variants[0]');
    expect(refusedField(definition({ variants: [{ channel: 'push', locale: 'en', title: 't' }] }))).to.equal('variants[0]');
    expect(refusedField(definition({ variants: [email('fr')] }))).to.equal('variants');
    expect(refusedField(definition({ variants: [email('en'), email('nope!')] }))).to.equal('variants[1].locale');
    expect(refusedField(definition({ defaultLocale: '' }))).to.equal('default_locale');
    expect(refusedField(definition({ ttlSeconds: 0 }))).to.equal('ttl');
    expect(refusedField(definition({ routing: { mode: 'first', order: ['push'] } }))).to.equal('routing.order');
    expect(refusedField(definition({ routing: { mode: 'first', order: ['sms', 'email', 'sms'] } }))).to.equal('routing.order');
    expect(refusedField(definition({ variables: [templateVariable({ name: 'a', type: 'string' }, 'v'), templateVariable({ name: 'a', type: 'number' }, 'v')] }))).to.equal('variables');
    expect((thrown(() => Template.create('Bad Key', definition(), NOW, grammar)) as InvalidValueError).field).to.equal('key');
  });
});
