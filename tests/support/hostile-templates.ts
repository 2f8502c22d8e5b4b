import { TEMPLATE_LIMITS, type TemplateFieldKind } from '../../src/domain/template-grammar.js';

export const HOSTILE_CLASSES = [
  'code blocks',
  'process',
  'require',
  'import()',
  'constructor.constructor',
  'globalThis',
  'Function',
  'prototype paths',
  '__proto__ in variable paths',
  'free names and engine internals',
  'calls and operators',
  'nested tag tricks',
  'comment and whitespace tricks',
  'block tricks',
  'layout, include and raw output',
  'unterminated tags',
  'huge loops',
  'limits',
] as const;
export type HostileClass = (typeof HOSTILE_CLASSES)[number];

/** A template the safe grammar must refuse, and the tag its refusal names ('' when none is named). */
export interface HostileTemplate {
  readonly class: HostileClass;
  readonly why: string;
  readonly source: string;
  readonly tag: string;
  /** The kind of field it is saved in: an email subject or text, an email html, a webhook payload. */
  readonly kind: TemplateFieldKind;
}

type Row = readonly [HostileClass, string, string, string?, TemplateFieldKind?];

/** A for loop nested `depth` deep: one level past TEMPLATE_LIMITS.maxNesting is refused. */
export function nestedLoops(depth: number, body = '<%= x %>'): string {
  return `${'<% for (const x of it.items) { %>'.repeat(depth)}${body}${'<% } %>'.repeat(depth)}`;
}

const canary = 'globalThis.templateCanary = "ran"';
const ifs = (depth: number) => `${'<% if (it.a) { %>'.repeat(depth)}x${'<% } %>'.repeat(depth)}`;

/**
 * Every hostile template, by class. Those that would write `marker` (a file path) or end the
 * process if they ever ran let a test show that none did. A row's tag defaults to its source.
 */
export function hostileTemplates(marker: string): HostileTemplate[] {
  // getBuiltinModule works in the service's ES modules, where process.mainModule is undefined.
  const write = `getBuiltinModule('fs').writeFileSync('${marker}', 'ran')`;
  const rows: Row[] = [
    ['code blocks', 'process.exit in a code block', '<% process.exit(1) %>'],
    ['code blocks', 'a code block writing the marker', `<% process.${write} %>`],
    ['code blocks', 'a code block writing the marker the CommonJS way', `<% process.mainModule.require('fs').writeFileSync('${marker}', 'ran') %>`],
    ['code blocks', 'canary in a code block', `<% ${canary} %>`],
    ['code blocks', 'a declaration', '<% const x = 1 %>'],
    ['code blocks', 'a while loop', '<% while (true) { %>x<% } %>', '<% while (true) { %>'],
    ['code blocks', 'an endless for', '<% for (;;) { %>x<% } %>', '<% for (;;) { %>'],
    ['process', 'process.env', '<%= process.env.SECRET %>'],
    ['process', 'process.kill', "<%= process.kill(process.pid, 'SIGKILL') %>"],
    ['process', 'process.env in a subject', '<%= process.env.DATABASE_URL %>', undefined, 'text'],
    ['process', 'a helper argument through process', '<%= currency(it.a, process.env.X) %>'],
    ['process', 'json(process.env) in a webhook payload', '{"env": <%~ json(process.env) %>}', '<%~ json(process.env) %>', 'payload'],
    ['require', 'require', "<%= require('fs') %>"],
    ['require', 'require writing the marker', `<%= require('fs').writeFileSync('${marker}', 'ran') %>`],
    ['require', 'require in a code block', `<% require('child_process').execSync('touch ${marker}') %>`],
    ['import()', 'dynamic import', "<%= import('fs') %>"],
    ['import()', 'dynamic import writing the marker', `<% import('fs').then((fs) => fs.writeFileSync('${marker}', 'ran')) %>`],
    ['constructor.constructor', 'constructor.constructor', "<%= it.constructor.constructor('return process')() %>"],
    ['constructor.constructor', 'constructor.constructor writing the marker', `<%= it.constructor.constructor('return process')().${write} %>`],
    ['constructor.constructor', 'constructor as a path', '<%= it.a.constructor %>'],
    ['constructor.constructor', 'constructor by bracket', '<%= it["constructor"] %>'],
    ['constructor.constructor', 'a constructor through a loop variable', '<% for (const x of it.items) { %><%= x.constructor %><% } %>', '<%= x.constructor %>'],
    ['globalThis', 'globalThis', '<%= globalThis.process %>'],
    ['globalThis', 'globalThis writing the marker', `<%= globalThis.process.${write} %>`],
    ['globalThis', 'canary in a printed expression', `<%= (${canary}) %>`],
    ['globalThis', 'global', '<%= global.process %>'],
    ['Function', 'Function', "<%= Function('return 1')() %>"],
    ['Function', 'new Function', '<%= new Function() %>'],
    ['Function', 'Function writing the marker', `<%= Function('return process')().${write} %>`],
    ['Function', 'eval', "<%= eval('1') %>"],
    ['prototype paths', 'prototype', '<%= it.a.prototype %>'],
    ['prototype paths', 'a prototype in an if', '<% if (it.a.prototype) { %>x<% } %>', '<% if (it.a.prototype) { %>'],
    ['prototype paths', 'a prototype in a helper argument', '<%= upper(it.a.prototype.b) %>'],
    ['__proto__ in variable paths', '__proto__ in a path', '<%= it.__proto__.polluted %>'],
    ['__proto__ in variable paths', '__proto__ by bracket', "<%= it['__proto__'] %>"],
    ['__proto__ in variable paths', '__proto__ in a for', '<% for (const x of it.__proto__.items) { %>x<% } %>', '<% for (const x of it.__proto__.items) { %>'],
    ['__proto__ in variable paths', '__defineGetter__', '<%= it.__defineGetter__ %>'],
    ['free names and engine internals', 'this', '<%= this.config %>'],
    ['free names and engine internals', 'arguments', '<%= arguments[0] %>'],
    ['free names and engine internals', 'a free variable', '<%= user.name %>'],
    ['free names and engine internals', 'an engine internal', '<%= __eta.res %>'],
    ['free names and engine internals', 'a loop variable shadowing it', '<% for (const it of it.items) { %>x<% } %>', '<% for (const it of it.items) { %>'],
    ['free names and engine internals', 'a loop variable shadowing the engine', '<% for (const __eta of it.items) { %>x<% } %>', '<% for (const __eta of it.items) { %>'],
    ['free names and engine internals', 'a loop variable named like a helper', '<% for (const upper of it.items) { %>x<% } %>', '<% for (const upper of it.items) { %>'],
    ['calls and operators', 'an unknown helper', '<%= fetch(it.url) %>'],
    ['calls and operators', 'a call on a helper result', '<%= upper(it.a)(1) %>'],
    ['calls and operators', 'a method call', '<%= it.a.toString.call(it.b) %>'],
    ['calls and operators', 'a statement after a path', '<%= it.a; process.exit() %>'],
    ['calls and operators', 'a comma expression', '<%= it.a, process.exit() %>'],
    ['calls and operators', 'an operator', '<%= it.a || process %>'],
    ['calls and operators', 'a conditional expression', '<%= it.a ? it.b : it.c %>'],
    ['calls and operators', 'a template literal', '<%= `${process.pid}` %>'],
    ['calls and operators', 'an assignment in an if', '<% if (it.a = 1) { %>x<% } %>', '<% if (it.a = 1) { %>'],
    ['calls and operators', 'a for over a call', '<% for (const x of it.items()) { %>x<% } %>', '<% for (const x of it.items()) { %>'],
    ['calls and operators', 'a hex index', '<%= it.a[0x10] %>'],
    ['calls and operators', 'a huge number argument', '<%= truncate(it.a, 1e999) %>'],
    ['nested tag tricks', 'a string holding the closing tag', '<%= "%>" %>'],
    ['nested tag tricks', 'a helper string holding the closing tag', "<%= currency(it.a, '%>') %>"],
    ['nested tag tricks', 'a tag inside a string', `<%= default(it.a, "<% process.exit() %>") %>`],
    ['nested tag tricks', 'a tag inside a tag', '<%= it.a <%= process.exit() %> %>', '<%= it.a <%= process.exit() %>'],
    ['nested tag tricks', 'code after a harmless tag', '<%= it.a %><% process.exit(0) %>', '<% process.exit(0) %>'],
    ['comment and whitespace tricks', 'a block comment hiding the closing tag', '<%= it.a /* %> */ %>'],
    ['comment and whitespace tricks', 'a line comment', '<%= it.a // comment %>'],
    ['comment and whitespace tricks', 'a block comment before code', '<%= /* it.a */ process.pid %>'],
    ['comment and whitespace tricks', 'a path split over lines', '<%= it.a\n.constructor %>'],
    ['comment and whitespace tricks', 'whitespace control around code', '<%_ process.exit() _%>', '<% process.exit() %>'],
    ['comment and whitespace tricks', 'a trimmed code tag', '<%- it.a -%>', '<% it.a %>'],
    ['block tricks', 'else without if', '<% } else { %>'],
    ['block tricks', 'a second else', '<% if (it.a) { %>a<% } else { %>b<% } else { %>c<% } %>', '<% } else { %>'],
    ['block tricks', 'an else if over process', '<% if (it.a) { %>a<% } else if (process) { %>b<% } %>', '<% } else if (process) { %>'],
    ['block tricks', 'a closing brace without a block', 'x<% } %>', '<% } %>'],
    ['layout, include and raw output', 'include', "<% include('@secret') %>"],
    ['layout, include and raw output', 'a layout from a path', "<% layout('/etc/passwd') %>"],
    ['layout, include and raw output', 'two layouts', "<% layout('@layout.html') %><% layout('@layout.html') %>", "<% layout('@layout.html') %>"],
    ['layout, include and raw output', 'raw output in HTML', '<%~ it.html %>'],
    ['layout, include and raw output', 'json in HTML', '<%~ json(it.order) %>'],
    ['unterminated tags', 'a block never closed', '<% if (it.a) { %>x', ''],
    ['unterminated tags', 'an unterminated tag', 'Hello <%= it.name', ''],
    ['unterminated tags', 'an unterminated code tag', `<% process.${write}`, ''],
    ['unterminated tags', 'an unterminated string', "<%= currency(it.a, 'USD) %>", ''],
    ['unterminated tags', 'an unterminated comment', '<%= it.a /* %>', ''],
    ['huge loops', 'loops nested past the limit', nestedLoops(TEMPLATE_LIMITS.maxNesting + 1), '<% for (const x of it.items) { %>'],
    ['huge loops', 'loops nested far past the limit', nestedLoops(50), '<% for (const x of it.items) { %>'],
    ['huge loops', 'ifs nested past the limit', ifs(TEMPLATE_LIMITS.maxNesting + 1), '<% if (it.a) { %>'],
    ['limits', 'too many tags', '<%= it.a %>'.repeat(TEMPLATE_LIMITS.maxTags + 1), ''],
    ['limits', 'too long', 'x'.repeat(TEMPLATE_LIMITS.maxLength + 1), ''],
  ];
  return rows.map(([cls, why, source, tag = source, kind = 'html']) => ({ class: cls, why, source, tag, kind }));
}
