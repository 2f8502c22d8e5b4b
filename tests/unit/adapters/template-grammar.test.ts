import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { etaTemplateTokens } from '../../../src/adapters/templates/eta-template-tokens.js';
import { UnsafeTemplateError } from '../../../src/domain/errors.js';
import { TEMPLATE_LIMITS, type TemplateFieldKind, checkTemplate } from '../../../src/domain/template-grammar.js';
import { HOSTILE_CLASSES, hostileTemplates, nestedLoops } from '../../support/hostile-templates.js';
import { thrown } from '../rejection.js';

const check = (source: string, kind: TemplateFieldKind = 'html') => checkTemplate('email.html', kind, source, etaTemplateTokens('email.html'));
const refusal = (source: string, kind: TemplateFieldKind = 'html') => thrown(() => check(source, kind));
const HOSTILE = hostileTemplates('/tmp/never-written-by-a-unit-test');

describe('the safe template grammar', () => {
  it(`holds at least 40 hostile templates in every class`, () => {
    expect(HOSTILE).to.have.length.of.at.least(40);
    expect(new Set(HOSTILE.map((t) => t.class))).to.deep.equal(new Set(HOSTILE_CLASSES));
  });

  for (const { class: cls, why, source, tag, kind } of HOSTILE) {
    it(`refuses ${why} (${cls}), naming the tag`, () => {
      const error = refusal(source, kind);
      expect(error).to.be.instanceOf(UnsafeTemplateError);
      expect((error as UnsafeTemplateError).field).to.equal('email.html');
      expect((error as UnsafeTemplateError).tag).to.equal(tag);
    });
  }

  it('refused templates never ran: the canary they would set is unset', () => {
    expect((globalThis as Record<string, unknown>).templateCanary).to.equal(undefined);
    expect(existsSync('/tmp/never-written-by-a-unit-test')).to.equal(false);
  });

  it('accepts paths, helpers, if/else if/else, loops, the layout in HTML and json in a payload', () => {
    const accepted = [
      'Hello <%= it.name %>, order <%= it.order.items[0].sku %>',
      "<%= currency(it.total, 'USD') %> <%= truncate(it.note, 40) %> <%= default(it.nick, \"friend\") %> <%= number(-1.5) %>",
      '<% if (it.vip) { %>VIP<% } else if (it.trial) { %>trial<% } else { %>basic<% } %>',
      '<%- for (const item of it.items) { -%><%= item.name %>: <%= upper(item.status) %><% } %>',
      "<% layout('@layout.html') %><p><%= it.body %></p>",
      nestedLoops(TEMPLATE_LIMITS.maxNesting),
    ];
    for (const source of accepted) expect(() => check(source), source).not.to.throw();
    expect(() => check('{"order": <%~ json(it.order) %>}', 'payload')).not.to.throw();
  });

  it('names the line of the offending tag', () => {
    const error = refusal('line one\nline two <%= it.ok %>\n<%= process.pid %>') as UnsafeTemplateError;
    expect([error.line, error.message]).to.deep.equal([3, 'email.html: tag "<%= process.pid %>" at line 3 is not allowed: process is neither it nor a loop variable']);
  });
});
