import { renderedAs } from '../../support/rendered.js';
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultTemplatesDir, shippedTemplates } from '../../../src/adapters/templates/built-in-templates.js';
import { StoredTemplateRenderer } from '../../../src/adapters/templates/stored-template-renderer.js';
import { TemplateEngine } from '../../../src/adapters/templates/template-engine.js';
import { InvalidValueError } from '../../../src/domain/errors.js';
import { BUILT_IN_TYPES, type BuiltInType } from '../../../src/domain/notification-type.js';
import { FakeTemplateCatalogue } from '../../support/fakes.js';
import { aPendingNotification } from '../mothers.js';
import { thrown } from '../rejection.js';

const SERVICE = 'Acme Notifications';
const BASE_URL = 'https://app.example.com';
const SHIPPED = shippedTemplates(defaultTemplatesDir());
const read = (file: string) => readFileSync(join(defaultTemplatesDir(), file), 'utf8');
const LAYOUTS = { html: read('layout.html.eta'), text: read('layout.text.eta') };

type Override = { subject?: string | null; content?: string | null };

/** The renderer driven by type and variables, with each type's shipped version 1 (as seeded). */
function renderer(appBaseUrl = BASE_URL) {
  const stored = new StoredTemplateRenderer(new FakeTemplateCatalogue(), new TemplateEngine(LAYOUTS, 100), { appBaseUrl, serviceName: SERVICE });
  return {
    render(type: BuiltInType, templateVars: Record<string, unknown>, override: Override = {}) {
      const shipped = SHIPPED.find((t) => t.key === type);
      if (!shipped) throw new Error(`no shipped template ${type}`);
      const variables = { email: 'recipient@example.com', ...templateVars };
      const ask = { channel: 'email', locale: null, variables, subject: override.subject ?? null, body: override.content ?? null };
      return renderedAs('email', stored.preview({ key: type, version: 1, definition: shipped.definition }, ask));
    },
    /** The same through render(), as the delivery worker calls it. */
    async deliver(type: BuiltInType, templateVars: Record<string, unknown>) {
      const content = { subject: null, body: null, templateVars };
      return renderedAs('email', await stored.render(aPendingNotification({ type, content, recipient: 'recipient@example.com' }).snapshot()));
    },
  };
}

const VARS: { readonly [T in BuiltInType]: Record<string, unknown> } = {
  email_verification: { userid: 'u1', username: 'alice', email: 'alice@example.com', verify_token: 'tok-123' },
  password_reset: { userid: 'u1', username: 'alice', email: 'alice@example.com', reset_token: 'reset-456' },
  welcome: { userid: 'u1', username: 'alice', email: 'alice@example.com' },
  security_alert: { userid: 'u1', username: 'alice', alert_message: 'Your notification preferences have been updated' },
  order_confirmation: {
    order_id: 1001,
    user_id: 7,
    items: [
      { product_id: 'p-1', product_name: 'Blue Widget', quantity: 2, price: 19.99 },
      { product_id: 'p-2', product_name: 'Gadget Pro', quantity: 1, price: '19.99' },
    ],
    total_amount: 59.97,
    status: 'confirmed',
  },
  order_status_update: { order_id: 1001, user_id: 7, old_status: 'processing', new_status: 'shipped', updated_by: 'warehouse' },
};

function invalid(call: () => unknown): InvalidValueError {
  const error = thrown(call);
  expect(error).to.be.instanceOf(InvalidValueError);
  return error as InvalidValueError;
}

describe('the stored template renderer, on the shipped templates', () => {
  const subject = renderer();

  describe('email verification', () => {
    const email = subject.render('email_verification', VARS.email_verification);

    it('says in the subject which service the address is verified for', () => {
      expect(email.subject).to.equal('Verify your email address for Acme Notifications');
    });

    it('links to APP_BASE_URL/verify/{token} in both parts', () => {
      expect(email.html).to.include('href="https://app.example.com/verify/tok-123"');
      expect(email.text).to.include('https://app.example.com/verify/tok-123');
    });

    it('names the user, the address and the service in both parts', () => {
      for (const part of [email.html, email.text]) {
        expect(part).to.include('alice').and.include('alice@example.com').and.include(SERVICE);
      }
    });

    it('URL-encodes a token holding a slash or spaces', () => {
      const odd = subject.render('email_verification', { ...VARS.email_verification, verify_token: 'a/b c+d' });
      expect(odd.text).to.include('https://app.example.com/verify/a%2Fb%20c%2Bd');
      expect(odd.html).to.include('https://app.example.com/verify/a%2Fb%20c%2Bd');
    });

    it('does not double the slash when APP_BASE_URL ends with one', () => {
      const email = renderer('https://app.example.com/').render('email_verification', VARS.email_verification);
      expect(email.text).to.include('https://app.example.com/verify/tok-123');
    });
  });

  describe('password reset', () => {
    it('links to APP_BASE_URL/reset/{token} in both parts', () => {
      const email = subject.render('password_reset', VARS.password_reset);
      expect(email.subject).to.equal('Reset your Acme Notifications password');
      expect(email.html).to.include('href="https://app.example.com/reset/reset-456"');
      expect(email.text).to.include('https://app.example.com/reset/reset-456');
    });

    it('greets by name when the username is given, and without one otherwise', () => {
      expect(subject.render('password_reset', VARS.password_reset).text).to.match(/^Hi alice,\n/);
      const { username: _username, ...anonymous } = VARS.password_reset;
      expect(subject.render('password_reset', anonymous).text).to.match(/^Hello,\n/);
    });
  });

  describe('welcome and security alert', () => {
    it('welcomes the user to the service by name', () => {
      const email = subject.render('welcome', VARS.welcome);
      expect(email.subject).to.equal('Welcome to Acme Notifications');
      expect(email.text).to.include('Hi alice,').and.include('alice@example.com');
      expect(email.html).to.include('Hi alice,').and.include('href="https://app.example.com"');
    });

    it('welcomes a user without a username', () => {
      expect(subject.render('welcome', { email: 'bob@example.com' }).text).to.match(/^Hello,\n/);
    });

    it('carries the alert message in both parts', () => {
      const email = subject.render('security_alert', VARS.security_alert);
      expect(email.subject).to.equal('Security alert for your Acme Notifications account');
      expect(email.html).to.include('Your notification preferences have been updated');
      expect(email.text).to.include('Your notification preferences have been updated');
    });
  });

  describe('order confirmation', () => {
    const email = subject.render('order_confirmation', VARS.order_confirmation);

    it('has the subject "Order #{order_id} Confirmed"', () => {
      expect(email.subject).to.equal('Order #1001 Confirmed');
    });

    it('lists each item with name, quantity and price in a table, and the total', () => {
      expect(email.html).to.include('>Blue Widget</td>').and.include('>Gadget Pro</td>');
      expect(email.html).to.include('>2</td>').and.include('>1</td>').and.include('>19.99</td>');
      expect(email.html).to.include('>59.97</td>').and.include('confirmed');
    });

    it('lists each item and the total in the text part', () => {
      expect(email.text).to.include('- Blue Widget: quantity 2, price 19.99');
      expect(email.text).to.include('- Gadget Pro: quantity 1, price 19.99');
      expect(email.text).to.include('Total: 59.97').and.include('Status: confirmed');
    });

    it('formats money from numbers and numeric strings with two decimals', () => {
      const email = subject.render('order_confirmation', {
        ...VARS.order_confirmation,
        items: [{ product_id: 1, product_name: 'Cable', quantity: '3', price: '20' }],
        total_amount: '59.9',
      });
      expect(email.text).to.include('- Cable: quantity 3, price 20.00').and.include('Total: 59.90');
    });

    it('escapes an ampersand in a product name in the HTML part only', () => {
      const email = subject.render('order_confirmation', {
        ...VARS.order_confirmation,
        items: [{ product_id: 1, product_name: 'Salt & Pepper', quantity: 1, price: 5 }],
      });
      expect(email.html).to.include('Salt &amp; Pepper');
      expect(email.text).to.include('Salt & Pepper').and.not.include('&amp;');
    });
  });

  describe('order status update', () => {
    const email = subject.render('order_status_update', VARS.order_status_update);

    it('has the subject "Order #{order_id} Status: {New_status}" with the status capitalised', () => {
      expect(email.subject).to.equal('Order #1001 Status: Shipped');
    });

    it('names the old and the new status and who changed it', () => {
      expect(email.text).to.include('Previous status: processing').and.include('New status: shipped');
      expect(email.text).to.include('Updated by: warehouse');
      expect(email.html).to.include('>processing</td>').and.include('>shipped</td>').and.include('>warehouse</td>');
    });

    it('leaves out "updated by" when nobody is named', () => {
      const { updated_by: _updatedBy, ...vars } = VARS.order_status_update;
      const email = subject.render('order_status_update', vars);
      expect(email.text).to.not.include('Updated by');
      expect(email.html).to.not.include('Updated by');
    });
  });

  describe('escaping and one-line subjects', () => {
    it('HTML-escapes variables in the HTML part and leaves the text part raw', () => {
      const email = subject.render('welcome', { username: '<script>alert(1)</script>', email: 'x@example.com' });
      expect(email.html).to.include('&lt;script&gt;alert(1)&lt;/script&gt;').and.not.include('<script>');
      expect(email.text).to.include('Hi <script>alert(1)</script>,');
    });

    it('collapses CR and LF in a rendered subject into spaces', () => {
      const email = subject.render('order_status_update', { ...VARS.order_status_update, order_id: '7\r\nBcc: victim@example.com' });
      expect(email.subject).to.equal('Order #7 Bcc: victim@example.com Status: Shipped');
    });

    it('gives every type a non-empty one-line subject and both parts', () => {
      for (const type of BUILT_IN_TYPES) {
        const email = subject.render(type, VARS[type]);
        expect(email.subject, type).to.match(/^[^\r\n]+$/);
        expect(email.html, type).to.include('<html').and.include(SERVICE);
        expect(email.text, type).to.include(SERVICE);
      }
    });
  });

  describe('invalid variables', () => {
    it('names a missing verify_token', () => {
      const { verify_token: _token, ...vars } = VARS.email_verification;
      const error = invalid(() => subject.render('email_verification', vars));
      expect(error.field).to.equal('template_vars.verify_token');
    });

    it('rejects an empty reset token', () => {
      const error = invalid(() => subject.render('password_reset', { ...VARS.password_reset, reset_token: '  ' }));
      expect(error.field).to.equal('template_vars.reset_token');
    });

    it('rejects items that are not an array', () => {
      const error = invalid(() => subject.render('order_confirmation', { ...VARS.order_confirmation, items: 'two widgets' }));
      expect(error.field).to.equal('template_vars.items');
    });

    it('names the item whose price is not a number', () => {
      const items = [{ product_id: 1, product_name: 'Cable', quantity: 1, price: 'cheap' }];
      const error = invalid(() => subject.render('order_confirmation', { ...VARS.order_confirmation, items }));
      expect(error.field).to.equal('template_vars.items[0].price');
    });

    it('rejects an optional variable of the wrong type', () => {
      const error = invalid(() => subject.render('welcome', { username: 42, email: 'x@example.com' }));
      expect(error.field).to.equal('template_vars.username');
    });
  });

  describe('an override from the send endpoint', () => {
    it('replaces the subject, still on one line, and keeps the template body', () => {
      const email = subject.render('welcome', VARS.welcome, { subject: 'Hello\r\nthere', content: null });
      expect(email.subject).to.equal('Hello there');
      expect(email.text).to.include('Welcome to Acme Notifications!');
    });

    it('replaces the body: the text as given, the HTML escaped inside the layout with <br> for newlines', () => {
      const email = subject.render('welcome', VARS.welcome, { content: 'Line one & <b>two</b>\nLine three' });
      expect(email.subject).to.equal('Welcome to Acme Notifications');
      expect(email.text).to.equal('Line one & <b>two</b>\nLine three');
      expect(email.html).to.include('Line one &amp; &lt;b&gt;two&lt;/b&gt;<br>Line three').and.include(SERVICE);
      expect(email.html).to.not.include('Welcome to Acme Notifications!');
    });

    it('needs no template variables when it gives both subject and content', () => {
      const email = subject.render('email_verification', {}, { subject: 'Custom', content: 'Body' });
      expect(email).to.deep.include({ subject: 'Custom', text: 'Body' });
    });

    it('falls back to the template for a blank subject', () => {
      const email = subject.render('welcome', VARS.welcome, { subject: '  ' });
      expect(email.subject).to.equal('Welcome to Acme Notifications');
    });
  });

  describe('templates on disk', () => {
    it('finds templates/email at the repository root', () => {
      expect(existsSync(join(defaultTemplatesDir(), 'layout.html.eta'))).to.equal(true);
    });

    it('renders through render() with the version the notification was recorded with', async () => {
      const email = await renderer().deliver('order_confirmation', VARS.order_confirmation);
      expect(email.subject).to.equal('Order #1001 Confirmed');
    });
  });

  describe('templates saved over REST, at render time', () => {
    const stored = new StoredTemplateRenderer(new FakeTemplateCatalogue(), new TemplateEngine(LAYOUTS, 100), { appBaseUrl: BASE_URL, serviceName: SERVICE });
    const release = (subject: string, html: string, version = 1) => ({
      key: 'custom',
      version,
      definition: { ...SHIPPED[0]!.definition, variables: [], variants: [{ channel: 'email' as const, locale: 'en', subject, html }, { channel: 'push' as const, locale: 'en', title: 't', body: 'b' }] },
    });
    const previewAs = (r: ReturnType<typeof release>, variables: Record<string, unknown>, channel: string) => stored.preview(r, { channel, locale: null, variables });
    const preview = (r: ReturnType<typeof release>, variables: Record<string, unknown>) => renderedAs('email', previewAs(r, variables, 'email'));

    it('loops over nothing but arrays: four nested loops over a long string, or over the subject, end at once', () => {
      const loops = (path: string) => `<% for (const a of ${path}) { %><% for (const b of ${path}) { %><% for (const c of ${path}) { %><% for (const d of ${path}) { %>x<% } %><% } %><% } %><% } %>`;
      const started = performance.now();
      expect(preview(release('s', loops('it.s')), { s: 'y'.repeat(1_000) }).html).to.not.include('x');
      expect(preview(release('y'.repeat(60_000), loops('it.subject'), 2), {}).html).to.not.include('x');
      expect(performance.now() - started).to.be.below(1_000);
    });

    it('still stops four nested loops over a 1,000-item array with the render limit', () => {
      const loops = '<% for (const a of it.xs) { %><% for (const b of it.xs) { %><% for (const c of it.xs) { %>x<% } %><% } %><% } %>';
      const error = invalid(() => preview(release('s', loops, 3), { xs: Array.from({ length: 1_000 }, (_, i) => i) }));
      expect(error.message).to.match(/loops ran more than \d+ steps/);
    });

    it('keeps each channel apart in the compiled cache', () => {
      const both = release('Email subject', '<p>x</p>', 4);
      expect(previewAs(both, {}, 'push')).to.deep.equal({ channel: 'push', title: 't', body: 'b', data: {} });
      expect(preview(both, {}).subject).to.equal('Email subject');
      expect(invalid(() => previewAs(both, {}, 'sms')).message).to.equal('channel: template custom has no sms variant');
      expect(invalid(() => previewAs(both, {}, 'fax')).field).to.equal('channel');
    });

    it("renders dates in the notification's time zone (the recipient's), UTC without one", async () => {
      const r = release('At <%= datetime(it.at, "short") %>', '<p>x</p>', 6);
      const at = '2026-11-28T22:30:00Z';
      const catalogue = { live: async () => r, version: async () => r };
      const withZone = new StoredTemplateRenderer(catalogue, new TemplateEngine(LAYOUTS, 100), { appBaseUrl: BASE_URL, serviceName: SERVICE });
      const content = { subject: null, body: null, templateVars: { at } };
      const subject = async (timeZone: string | null) => renderedAs('email', await withZone.render(aPendingNotification({ type: 'custom', templateVersion: 6, content, timeZone }).snapshot())).subject;
      expect([await subject('Europe/Brussels'), await subject('Asia/Tokyo'), await subject(null)]).to.deep.equal(['At 11/28/26, 11:30 PM', 'At 11/29/26, 7:30 AM', 'At 11/28/26, 10:30 PM']);
    });

    it('runs default() as the grammar allows it, under its engine name', () => {
      const r = release('<%= default(it.name, "friend") %>', '<p><%= upper(it.name) %></p>', 5);
      expect(preview(r, {}).subject).to.equal('friend');
      expect(preview(r, { name: 'ada' }).html).to.include('<p>ADA</p>');
    });
  });
});
