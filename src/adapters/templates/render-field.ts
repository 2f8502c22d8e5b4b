import { InvalidValueError } from '../../domain/errors.js';
import { RENDER_LIMITS, type RenderBudget, checkOutputSize } from './render-budget.js';
import type { Escaping, TemplateEngine } from './template-engine.js';

/** A rendered field at most this large: a template cannot make a message of unbounded size. */
const MAX_FIELD_BYTES = RENDER_LIMITS.outputBytes;

type Data = Record<string, unknown>;

/** Renders one field of a variant: its template text with the render's data (and any extra values). */
export type RenderField = (field: string, source: string, escaping: Escaping, extra?: Data) => string;

/**
 * The field renderer of one render: every field shares its budget, and a failure names the
 * template, version, channel, locale and field (`id/field`) in an InvalidValueError, since such a
 * notification can never be sent.
 */
export function fieldRenderer(engine: TemplateEngine, budget: RenderBudget, id: string, data: Data): RenderField {
  return (field, source, escaping, extra = {}) => {
    const name = `${id}/${field}`;
    try {
      const output = engine.render(name, source, escaping, { ...data, ...extra }, budget);
      checkOutputSize(`template ${name}`, output, MAX_FIELD_BYTES);
      return output;
    } catch (error) {
      throw new InvalidValueError(`template ${name}`, `cannot be rendered: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

/** Header-injection defence: a subject or title is one line whatever the template or caller put in it. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, ' ').trim();
}

/** The caller's own wording when it says something. */
export function given(value: string | null | undefined): string | null {
  return value !== null && value !== undefined && value.trim() !== '' ? value : null;
}
