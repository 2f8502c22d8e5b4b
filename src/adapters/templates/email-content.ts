import type { RenderedContent } from '../../application/ports/channel-sender.js';
import { InvalidValueError } from '../../domain/errors.js';
import { textFromHtml } from './html-text.js';
import { RENDER_LIMITS, type RenderBudget, checkOutputSize } from './render-budget.js';
import type { TemplateEngine } from './template-engine.js';

/** A rendered field at most this large: a template cannot make an email of unbounded size. */
const MAX_FIELD_BYTES = RENDER_LIMITS.outputBytes;
/** The shipped layout around a text that is not a template (a sender's own content, a text-only variant). */
const IN_LAYOUT = "<% layout('@layout.html') %><%~ it.__in_layout %>";

export interface EmailParts {
  readonly subject: string;
  readonly html: string | null;
  readonly text: string | null;
}

type Data = Record<string, unknown>;
type Own = { readonly subject: string | null; readonly body: string | null };

/**
 * An email from its variant's texts: subject on one line, HTML (the text, escaped, in the layout
 * when the variant has no HTML), text (made from the HTML when the variant has none). A sender's
 * own subject or content replaces the template's.
 */
export function emailContent(engine: TemplateEngine, budget: RenderBudget, id: string, parts: EmailParts, data: Data, own: Own): RenderedContent {
  const run = (field: string, source: string, escaped: boolean, extra: Data = {}) => rendered(engine, `${id}/${field}`, source, escaped, { ...data, ...extra }, budget);
  const subject = oneLine(given(own.subject) ?? run('subject', parts.subject, false));
  const body = given(own.body);
  const inLayout = (text: string) => run('layout', IN_LAYOUT, true, { subject, __in_layout: engine.escape(text).replace(/\r\n|\r|\n/g, '<br>') });
  if (body !== null) return { channel: 'email', subject, text: body, html: inLayout(body) };
  const html = parts.html === null ? null : run('html', parts.html, true, { subject });
  const text = parts.text === null ? textFromHtml(html ?? '') : run('text', parts.text, false);
  return { channel: 'email', subject, text, html: html ?? inLayout(text) };
}

function rendered(engine: TemplateEngine, id: string, source: string, escaped: boolean, data: Data, budget: RenderBudget): string {
  try {
    const output = engine.render(id, source, escaped, data, budget);
    checkOutputSize(`template ${id}`, output, MAX_FIELD_BYTES);
    return output;
  } catch (error) {
    throw new InvalidValueError(`template ${id}`, `cannot be rendered: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Header-injection defence: a subject is one line whatever the template or caller put in it. */
function oneLine(subject: string): string {
  return subject.replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, ' ').trim();
}

function given(value: string | null): string | null {
  return value !== null && value.trim() !== '' ? value : null;
}
