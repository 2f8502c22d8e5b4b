import { expect } from 'chai';
import { StoredTemplateRenderer } from '../../../src/adapters/templates/stored-template-renderer.js';
import { TemplateEngine } from '../../../src/adapters/templates/template-engine.js';
import { InvalidValueError } from '../../../src/domain/errors.js';
import type { TemplateVariant } from '../../../src/domain/template-definition.js';
import { renderedAs } from '../../support/rendered.js';
import { FakeTemplateCatalogue } from '../../support/fakes.js';
import { thrown } from '../rejection.js';

const engine = new TemplateEngine({ html: '<%~ it.body %>', text: '<%~ it.body %>' }, 100);
const renderer = new StoredTemplateRenderer(new FakeTemplateCatalogue(), engine, { appBaseUrl: 'https://app.example.com', serviceName: 'Acme' });

/** Compiled templates are kept by key and version (versions never change): each test's are a new version. */
let version = 0;

function release(...variants: TemplateVariant[]) {
  version += 1;
  const definition = { description: '', priority: 'normal' as const, ttlSeconds: null, routing: { mode: 'all' as const }, variables: [], defaultLocale: 'en', variants };
  return { key: 'order_shipped', version, definition };
}

const render = (channel: string, variants: TemplateVariant[], variables: Record<string, unknown> = {}, own: { subject?: string; body?: string } = {}) =>
  renderer.preview(release(...variants), { channel, locale: null, variables, ...own });

function invalid(call: () => unknown): InvalidValueError {
  const error = thrown(call);
  expect(error).to.be.instanceOf(InvalidValueError);
  return error as InvalidValueError;
}

describe('rendering for each channel', () => {
  it('renders an SMS body as plain text, unescaped', () => {
    const sms = render('sms', [{ channel: 'sms', locale: 'en', body: 'Order <%= it.id %> & co shipped' }], { id: 'A<1>' });
    expect(sms).to.deep.equal({ channel: 'sms', body: 'Order A<1> & co shipped' });
  });

  it('refuses an SMS body over 1,600 characters as a notification that can never be sent', () => {
    const error = invalid(() => render('sms', [{ channel: 'sms', locale: 'en', body: '<%= it.long %>' }], { long: 'x'.repeat(1_601) }));
    expect(error.message).to.match(/1,?600/);
  });

  it('renders push title on one line, body, and data as strings, with values JSON-escaped inside the data', () => {
    const variant = { channel: 'push' as const, locale: 'en', title: 'Hi\n<%= it.name %>', body: 'Body', data: '{"name": "<%= it.name %>", "count": 3}' };
    const push = render('push', [variant], { name: 'Ada", "admin": "true' });
    expect(push).to.deep.equal({ channel: 'push', title: 'Hi Ada", "admin": "true', body: 'Body', data: { name: 'Ada", "admin": "true', count: '3' } });
  });

  it('refuses push data that does not render to a JSON object', () => {
    expect(invalid(() => render('push', [{ channel: 'push', locale: 'en', title: 't', body: 'b', data: '[1, 2]' }])).field).to.equal('data');
    expect(invalid(() => render('push', [{ channel: 'push', locale: 'en', title: 't', body: 'b', data: '{oops' }])).field).to.equal('data');
  });

  it('renders an in-app item with its action URL, or none', () => {
    const variant = { channel: 'in_app' as const, locale: 'en', title: 'Shipped', body: 'Order <%= it.id %>', actionUrl: '/orders/<%= it.id %>' };
    expect(render('in_app', [variant], { id: 7 })).to.deep.equal({ channel: 'in_app', title: 'Shipped', body: 'Order 7', actionUrl: '/orders/7', data: {} });
    expect(render('in_app', [{ channel: 'in_app', locale: 'en', title: 't', body: 'b' }])).to.include({ actionUrl: null });
  });

  it('refuses an in-app action URL a client would run or embed (javascript:, data:, //host)', () => {
    for (const link of ['javascript:alert(1)', 'data:text/html,x', '//evil.example/', 'JavaScript:void(0)']) {
      const error = invalid(() => render('in_app', [{ channel: 'in_app', locale: 'en', title: 't', body: 'b', actionUrl: '<%= it.link %>' }], { link }));
      expect([link, error.field]).to.deep.equal([link, 'actionUrl']);
    }
    expect(render('in_app', [{ channel: 'in_app', locale: 'en', title: 't', body: 'b', actionUrl: 'https://app.example.com/o/1' }])).to.include({ actionUrl: 'https://app.example.com/o/1' });
  });

  it('renders a webhook payload as JSON, a printed value staying inside its string', () => {
    const variant = { channel: 'webhook' as const, locale: 'en', payload: '{"order": <%~ json(it.order) %>, "note": "<%= it.note %>"}' };
    const webhook = renderedAs('webhook', render('webhook', [variant], { order: { id: 7, items: [1, 2] }, note: 'a "quoted"\nline' }));
    expect(JSON.parse(webhook.payload)).to.deep.equal({ order: { id: 7, items: [1, 2] }, note: 'a "quoted"\nline' });
  });

  it('refuses a webhook payload that does not render to JSON', () => {
    expect(invalid(() => render('webhook', [{ channel: 'webhook', locale: 'en', payload: '{"a": <%= it.x %>}' }], { x: 'not json' })).field).to.equal('payload');
  });

  it('posts the default envelope for a webhook send with its own content', () => {
    const envelope = { notificationId: 'n-1', type: 'message', createdAt: '2026-11-29T08:00:00.000Z' };
    const webhook = renderer.preview(release(), { channel: 'webhook', locale: null, variables: {}, subject: 'Hello', body: 'World', envelope });
    const payload = JSON.parse(renderedAs('webhook', webhook).payload) as unknown;
    expect(payload).to.deep.equal({ notification_id: 'n-1', type: 'message', subject: 'Hello', body: 'World', created_at: '2026-11-29T08:00:00.000Z' });
  });

  it('sends its own SMS text without a template variant, but needs a variant for a templated send', () => {
    expect(render('sms', [], {}, { body: 'Your code is 1234' })).to.deep.equal({ channel: 'sms', body: 'Your code is 1234' });
    expect(invalid(() => render('sms', [])).message).to.equal('channel: template order_shipped has no sms variant');
    expect(invalid(() => render('push', [], {}, { body: 'no title' })).field).to.equal('channel');
  });
});
