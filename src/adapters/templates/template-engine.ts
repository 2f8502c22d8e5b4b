import { Eta, type TemplateFunction } from 'eta';
import { TEMPLATE_HELPERS } from '../../domain/template-tags.js';
import type { RenderBudget } from './render-budget.js';

/** The name templates call `default(...)` by is a JavaScript keyword: the engine calls it this. */
const DEFAULT_HELPER = '__default';
/** Every loop's value passes through this (loopOver in budgeted-data.ts): only budgeted arrays loop. */
const LOOP_OVER = '__each';
const OTHER_HELPERS = [...TEMPLATE_HELPERS.filter((name) => name !== 'default'), 'json'];
/** Helpers reach a template through its data under a name no template path may use (`__`). */
export const HELPERS_KEY = '__helpers';
const HEADER = `const {${OTHER_HELPERS.join(', ')}, ${LOOP_OVER}} = it.${HELPERS_KEY}; const ${DEFAULT_HELPER} = it.${HELPERS_KEY}.default;`;
/** `<%= default(` in any of its spellings (trim markers, spaces): the only place the name may stand. */
const DEFAULT_CALL = /(<%[-_]?\s*[=~]\s*)default(\s*\()/g;
/** `<% for (const x of path) {` in any of its spellings: the value looped over is wrapped. */
const FOR_LOOP = /(<%[-_]?\s*for\s*\(\s*const\s+[A-Za-z_$][\w$]*\s+of\s+)([^)]*?)(\s*\)\s*\{)/g;

/** The program eta compiles: helper names it can call, every loop over a budgeted array only. */
function runnable(source: string): string {
  return source.replace(DEFAULT_CALL, `$1${DEFAULT_HELPER}$2`).replace(FOR_LOOP, `$1${LOOP_OVER}($2)$3`);
}

/** How `<%= %>` escapes a value: HTML for an email body, nothing for plain text, JSON string content in a webhook payload. */
export type Escaping = 'html' | 'none' | 'json';

/** A value's JSON string content, without the quotes: `"<%= it.name %>"` stays a JSON string whatever the name holds. */
function jsonStringContent(value: unknown): string {
  return JSON.stringify(String(value)).slice(1, -1);
}

export interface Layouts {
  readonly html: string;
  readonly text: string;
}

/**
 * Compiles and runs template texts with eta: HTML with every `<%= %>` escaped, subject and text
 * without, a webhook payload's as JSON string content. Compiled functions are kept by an id naming the template, version, locale and field
 * (versions never change), at most `maxCompiled` of them, the oldest dropped first.
 */
export class TemplateEngine {
  // Every printed value passes the filter, which charges it to the running render's budget: the
  // output is bounded while it is built, not once a huge string exists.
  private readonly filter = { autoFilter: true, filterFunction: (value: unknown) => this.charged(value) };
  private readonly html = new Eta({ autoEscape: true, autoTrim: false, functionHeader: HEADER, ...this.filter });
  private readonly plain = new Eta({ autoEscape: false, autoTrim: false, functionHeader: HEADER, ...this.filter });
  private readonly json = new Eta({ autoEscape: true, escapeFunction: jsonStringContent, autoTrim: false, functionHeader: HEADER, ...this.filter });
  private readonly compiled = new Map<string, TemplateFunction>();
  /** The budget of the render running now (renders are synchronous: one at a time). */
  private budget: RenderBudget | null = null;

  constructor(
    layouts: Layouts,
    private readonly maxCompiled: number,
  ) {
    this.html.loadTemplate('@layout.html', layouts.html);
    this.plain.loadTemplate('@layout.text', layouts.text);
  }

  render(id: string, source: string, escaping: Escaping, data: Record<string, unknown>, budget: RenderBudget): string {
    const eta = escaping === 'html' ? this.html : escaping === 'json' ? this.json : this.plain;
    const cacheId = `${escaping}:${id}`;
    let fn = this.compiled.get(cacheId);
    if (!fn) {
      fn = eta.compile(runnable(source));
      this.compiled.set(cacheId, fn);
      if (this.compiled.size > this.maxCompiled) this.compiled.delete(this.compiled.keys().next().value as string);
    }
    this.budget = budget;
    try {
      return eta.render(fn, data);
    } finally {
      this.budget = null;
    }
  }

  /** What a printed value shows as (eta's own default, String), charged to the running render. */
  private charged(value: unknown): string {
    const text = typeof value === 'string' ? value : String(value);
    this.budget?.print(text);
    return text;
  }

  /** HTML-escapes a caller's text as `<%= %>` would. */
  escape(text: string): string {
    return this.html.config.escapeFunction(text);
  }
}
