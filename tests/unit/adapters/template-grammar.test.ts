import { expect } from 'chai';
import { etaTemplateTokens } from '../../../src/adapters/templates/eta-template-tokens.js';
import { UnsafeTemplateError } from '../../../src/domain/errors.js';
import { TEMPLATE_LIMITS, type TemplateFieldKind, checkTemplate } from '../../../src/domain/template-grammar.js';
import { thrown } from '../rejection.js';

const check = (source: string, kind: TemplateFieldKind = 'html') => checkTemplate('email.html', kind, source, etaTemplateTokens('email.html'));
const refusal = (source: string, kind: TemplateFieldKind = 'html') => thrown(() => check(source, kind));
const nested = (depth: number) => `${'<% for (const x of it.items) { %>'.repeat(depth)}<%= x %>${'<% } %>'.repeat(depth)}`;
const canary = 'globalThis.templateCanary = "ran"';

// [why it must be refused, the template, the tag named in the error ('' when none is named)]
const HOSTILE: ReadonlyArray<readonly [string, string, string]> = [
  ['code block', '<% process.exit(1) %>', '<% process.exit(1) %>'],
  ['canary in a code block', `<% ${canary} %>`, `<% ${canary} %>`],
  ['canary in a printed expression', `<%= (${canary}) %>`, `<%= (${canary}) %>`],
  ['process', '<%= process.env.SECRET %>', '<%= process.env.SECRET %>'],
  ['require', "<%= require('fs') %>", "<%= require('fs') %>"],
  ['dynamic import', "<%= import('fs') %>", "<%= import('fs') %>"],
  ['constructor.constructor', "<%= it.constructor.constructor('return process')() %>", "<%= it.constructor.constructor('return process')() %>"],
  ['constructor as a path', '<%= it.a.constructor %>', '<%= it.a.constructor %>'],
  ['globalThis', '<%= globalThis.process %>', '<%= globalThis.process %>'],
  ['Function', "<%= Function('return 1')() %>", "<%= Function('return 1')() %>"],
  ['new Function', '<%= new Function() %>', '<%= new Function() %>'],
  ['eval', "<%= eval('1') %>", "<%= eval('1') %>"],
  ['__proto__ in a path', '<%= it.__proto__.polluted %>', '<%= it.__proto__.polluted %>'],
  ['__proto__ by bracket', "<%= it['__proto__'] %>", "<%= it['__proto__'] %>"],
  ['constructor by bracket', '<%= it["constructor"] %>', '<%= it["constructor"] %>'],
  ['prototype', '<%= it.a.prototype %>', '<%= it.a.prototype %>'],
  ['__defineGetter__', '<%= it.__defineGetter__ %>', '<%= it.__defineGetter__ %>'],
  ['this', '<%= this.config %>', '<%= this.config %>'],
  ['arguments', '<%= arguments[0] %>', '<%= arguments[0] %>'],
  ['a free variable', '<%= user.name %>', '<%= user.name %>'],
  ['an engine internal', '<%= __eta.res %>', '<%= __eta.res %>'],
  ['a constructor through a loop variable', '<% for (const x of it.items) { %><%= x.constructor %><% } %>', '<%= x.constructor %>'],
  ['a helper argument through process', '<%= currency(it.a, process.env.X) %>', '<%= currency(it.a, process.env.X) %>'],
  ['an unknown helper', '<%= fetch(it.url) %>', '<%= fetch(it.url) %>'],
  ['a call on a helper result', '<%= upper(it.a)(1) %>', '<%= upper(it.a)(1) %>'],
  ['a method call', '<%= it.a.toString.call(it.b) %>', '<%= it.a.toString.call(it.b) %>'],
  ['a statement after a path', '<%= it.a; process.exit() %>', '<%= it.a; process.exit() %>'],
  ['a comma expression', '<%= it.a, process.exit() %>', '<%= it.a, process.exit() %>'],
  ['an operator', '<%= it.a || process %>', '<%= it.a || process %>'],
  ['a conditional expression', '<%= it.a ? it.b : it.c %>', '<%= it.a ? it.b : it.c %>'],
  ['a template literal', '<%= `${process.pid}` %>', '<%= `${process.pid}` %>'],
  ['a string holding the closing tag', '<%= "%>" %>', '<%= "%>" %>'],
  ['a helper string holding the closing tag', "<%= currency(it.a, '%>') %>", "<%= currency(it.a, '%>') %>"],
  ['a block comment hiding the closing tag', '<%= it.a /* %> */ %>', '<%= it.a /* %> */ %>'],
  ['a line comment', '<%= it.a // comment %>', '<%= it.a // comment %>'],
  ['a path split over lines', '<%= it.a\n.constructor %>', '<%= it.a\n.constructor %>'],
  ['whitespace control around code', '<%_ process.exit() _%>', '<%  process.exit() %>'.replace('  ', ' ')],
  ['a trimmed code tag', '<%- it.a -%>', '<% it.a %>'],
  ['a while loop', '<% while (true) { %>x<% } %>', '<% while (true) { %>'],
  ['an endless for', '<% for (;;) { %>x<% } %>', '<% for (;;) { %>'],
  ['a declaration', '<% const x = 1 %>', '<% const x = 1 %>'],
  ['an assignment in an if', '<% if (it.a = 1) { %>x<% } %>', '<% if (it.a = 1) { %>'],
  ['a for over a call', '<% for (const x of it.items()) { %>x<% } %>', '<% for (const x of it.items()) { %>'],
  ['a loop variable shadowing it', '<% for (const it of it.items) { %>x<% } %>', '<% for (const it of it.items) { %>'],
  ['a loop variable shadowing the engine', '<% for (const __eta of it.items) { %>x<% } %>', '<% for (const __eta of it.items) { %>'],
  ['a loop variable named like a helper', '<% for (const upper of it.items) { %>x<% } %>', '<% for (const upper of it.items) { %>'],
  ['include', "<% include('@secret') %>", "<% include('@secret') %>"],
  ['a layout from a path', "<% layout('/etc/passwd') %>", "<% layout('/etc/passwd') %>"],
  ['two layouts', "<% layout('@layout.html') %><% layout('@layout.html') %>", "<% layout('@layout.html') %>"],
  ['raw output in HTML', '<%~ it.html %>', '<%~ it.html %>'],
  ['json in HTML', '<%~ json(it.order) %>', '<%~ json(it.order) %>'],
  ['else without if', '<% } else { %>', '<% } else { %>'],
  ['a second else', '<% if (it.a) { %>a<% } else { %>b<% } else { %>c<% } %>', '<% } else { %>'],
  ['an else if over process', '<% if (it.a) { %>a<% } else if (process) { %>b<% } %>', '<% } else if (process) { %>'],
  ['a closing brace without a block', 'x<% } %>', '<% } %>'],
  ['a block never closed', '<% if (it.a) { %>x', ''],
  ['an unterminated tag', 'Hello <%= it.name', ''],
  ['an unterminated string', "<%= currency(it.a, 'USD) %>", ''],
  ['an unterminated comment', '<%= it.a /* %>', ''],
  ['a hex index', '<%= it.a[0x10] %>', '<%= it.a[0x10] %>'],
  ['a huge number argument', '<%= truncate(it.a, 1e999) %>', '<%= truncate(it.a, 1e999) %>'],
  ['nesting past the limit', nested(TEMPLATE_LIMITS.maxNesting + 1), '<% for (const x of it.items) { %>'],
  ['too many tags', '<%= it.a %>'.repeat(TEMPLATE_LIMITS.maxTags + 1), ''],
  ['too long', 'x'.repeat(TEMPLATE_LIMITS.maxLength + 1), ''],
];

describe('the safe template grammar', () => {
  for (const [why, source, tag] of HOSTILE) {
    it(`refuses ${why}, naming the tag`, () => {
      const error = refusal(source);
      expect(error).to.be.instanceOf(UnsafeTemplateError);
      expect((error as UnsafeTemplateError).field).to.equal('email.html');
      expect((error as UnsafeTemplateError).tag).to.equal(tag);
    });
  }

  it('refused templates never ran: the canary they would set is unset', () => {
    expect((globalThis as Record<string, unknown>).templateCanary).to.equal(undefined);
  });

  it('accepts paths, helpers, if/else if/else, loops, the layout in HTML and json in a payload', () => {
    const accepted = [
      'Hello <%= it.name %>, order <%= it.order.items[0].sku %>',
      "<%= currency(it.total, 'USD') %> <%= truncate(it.note, 40) %> <%= default(it.nick, \"friend\") %> <%= number(-1.5) %>",
      '<% if (it.vip) { %>VIP<% } else if (it.trial) { %>trial<% } else { %>basic<% } %>',
      '<%- for (const item of it.items) { -%><%= item.name %>: <%= upper(item.status) %><% } %>',
      "<% layout('@layout.html') %><p><%= it.body %></p>",
      nested(TEMPLATE_LIMITS.maxNesting),
    ];
    for (const source of accepted) expect(() => check(source), source).not.to.throw();
    expect(() => check('{"order": <%~ json(it.order) %>}', 'payload')).not.to.throw();
  });

  it('names the line of the offending tag', () => {
    const error = refusal('line one\nline two <%= it.ok %>\n<%= process.pid %>') as UnsafeTemplateError;
    expect([error.line, error.message]).to.deep.equal([3, 'email.html: tag "<%= process.pid %>" at line 3 is not allowed: process is neither it nor a loop variable']);
  });
});
