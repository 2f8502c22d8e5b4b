import { InvalidValueError } from './errors.js';
import { TAG_FORMS, TEMPLATE_HELPERS, forbiddenName, helperArguments } from './template-tags.js';

/** A template written with placeholders, in the engine's grammar, and the variables it reads. */
export interface ConvertedTemplate {
  readonly source: string;
  /** The top-level names the placeholders read, in order of first use. */
  readonly variables: readonly string[];
}

// `{{ x }}` (and Mustache's `{{{ x }}}`, escaped all the same), or `{x}` with nothing but a path
// between single braces, so CSS (`a { color: red }`) and JSON stay text.
const PLACEHOLDER = /\{\{\{([^{}]*)\}\}\}|\{\{([^{}]*)\}\}|\{([A-Za-z_]\w*(?:\.\w+)*)\}/g;
const PATH = /^[A-Za-z_]\w*(?:\.\w+)*$/;
const FILTER = /^([A-Za-z_]\w*)(?:\s*:\s*([^]*))?$/;
const HELPERS: ReadonlySet<string> = new Set(TEMPLATE_HELPERS);

/**
 * Converts the placeholders of older systems to the grammar of src/domain/template-grammar.ts, at
 * save time: `{{ order.total }}` and `{name}` print a variable (`items.0.name` indexes an array);
 * `{{ amount | currency }}` passes it through a helper; filter arguments follow a colon, separated
 * by commas, each a quoted string or a number: `{{ amount | currency:'EUR' }}`,
 * `{{ note | truncate:40 }}`. One filter per placeholder (helpers take no helper's result). Text
 * holding eta tags of its own is refused: placeholder templates run no code.
 */
export function convertPlaceholders(field: string, text: string): ConvertedTemplate {
  if (text.includes('<%') || text.includes('%>')) throw new InvalidValueError(field, 'eta tags (<% %>) are not accepted in a template written with placeholders');
  const variables = new Set<string>();
  const source = text.replace(PLACEHOLDER, (placeholder: string, triple?: string, double?: string, single?: string) => {
    const tag = converted(field, placeholder, triple ?? double ?? single ?? '');
    variables.add(tag.variable);
    return `<%= ${tag.code} %>`;
  });
  return { source, variables: [...variables] };
}

function converted(field: string, placeholder: string, inside: string): { code: string; variable: string } {
  const refuse = (reason: string) => new InvalidValueError(field, `placeholder ${placeholder}: ${reason}`);
  const [name = '', filter, ...more] = inside.split('|').map((part) => part.trim());
  if (more.length > 0) throw refuse('one filter at most');
  const path = variablePath(name, refuse);
  const code = filter === undefined ? path : helperCall(filter, path, refuse);
  // The grammar has the last word: a placeholder becomes a tag it accepts, or nothing.
  if (!TAG_FORMS.path.test(code) && !TAG_FORMS.helper.test(code)) throw refuse('cannot be written as a template tag');
  return { code, variable: name.split('.')[0] ?? name };
}

function variablePath(name: string, refuse: (reason: string) => Error): string {
  if (!PATH.test(name)) throw refuse(`${JSON.stringify(name)} is not a plain name (letters, digits, underscore, dots)`);
  const parts = name.split('.').map((part) => {
    const problem = forbiddenName(part) ?? (/^\d+\D/.test(part) ? `${part} starts with a digit` : null);
    if (problem) throw refuse(problem);
    return /^\d+$/.test(part) ? `[${part}]` : `.${part}`;
  });
  return `it${parts.join('')}`;
}

function helperCall(filter: string, path: string, refuse: (reason: string) => Error): string {
  const [, helper = '', list] = FILTER.exec(filter) ?? [];
  if (!HELPERS.has(helper)) throw refuse(`${JSON.stringify(helper || filter)} is not a filter (${TEMPLATE_HELPERS.join(', ')})`);
  const code = `${helper}(${[path, ...(list === undefined ? [] : [list])].join(', ')})`;
  const args = TAG_FORMS.helper.test(code) ? helperArguments(list) : null;
  if (args === null || args.some((arg) => /^[A-Za-z_$]/.test(arg))) throw refuse(`the arguments of ${helper} are quoted strings or numbers, after a colon and separated by commas`);
  return code;
}
