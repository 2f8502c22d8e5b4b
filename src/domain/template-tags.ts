/**
 * The tags a template saved from outside may hold (template-grammar.ts checks a whole template).
 * Every form is matched whole: anything else in a tag, whatever it is, is refused.
 */

export const TEMPLATE_HELPERS = ['currency', 'number', 'date', 'datetime', 'upper', 'lower', 'truncate', 'default'] as const;

const IDENT = '[A-Za-z_$][\\w$]*';
const PATH = `${IDENT}(?:\\.${IDENT}|\\[\\d{1,6}\\])*`;
// String literals hold no quote, backslash, line break, `%` or angle bracket: nothing can end a tag.
const ARG = `${PATH}|'[^'"\\\\\\r\\n%<>\`]*'|"[^'"\\\\\\r\\n%<>\`]*"|-?\\d{1,15}(?:\\.\\d{1,15})?`;
const whole = (pattern: string) => new RegExp(`^${pattern}$`);

export const TAG_FORMS = {
  path: whole(`(${PATH})`),
  helper: whole(`(${IDENT})\\(\\s*((?:${ARG})(?:\\s*,\\s*(?:${ARG}))*)?\\s*\\)`),
  json: whole(`json\\(\\s*(${PATH})\\s*\\)`),
  if: whole(`if\\s*\\(\\s*(${PATH})\\s*\\)\\s*\\{`),
  elseIf: whole(`\\}\\s*else\\s+if\\s*\\(\\s*(${PATH})\\s*\\)\\s*\\{`),
  else: whole('\\}\\s*else\\s*\\{'),
  end: whole('\\}'),
  for: whole(`for\\s*\\(\\s*const\\s+(${IDENT})\\s+of\\s+(${PATH})\\s*\\)\\s*\\{`),
  layout: whole(`layout\\(\\s*(['"])@layout\\.html\\1\\s*\\)`),
} as const;

/** The arguments of a helper call, as written (paths, string and number literals). */
export function helperArguments(list: string | undefined): string[] {
  return list === undefined ? [] : (list.match(new RegExp(ARG, 'g')) ?? []);
}

/** Names no path may go through, and no loop variable may take. */
const FORBIDDEN = new Set(['constructor', 'prototype', 'process', 'globalThis', 'global', 'require', 'import', 'Function', 'eval', 'this', 'arguments']);
const RESERVED = new Set(['it', 'layout', 'include', 'includeAsync', 'json', 'output', ...TEMPLATE_HELPERS]);
const KEYWORDS = new Set('await break case catch class const continue debugger default delete do else enum export extends false finally for function if in instanceof let new null of return static super switch throw true try typeof var void while with yield'.split(' '));

/** Why a name may not appear in a path, or null when it may. */
export function forbiddenName(name: string): string | null {
  if (name.startsWith('__')) return `${name} reaches into the object's internals`;
  return FORBIDDEN.has(name) ? `${name} is not a template variable` : null;
}

/** Why a loop variable may not take this name, or null when it may. */
export function badLoopVariable(name: string): string | null {
  if (!/^[a-z][A-Za-z0-9]*$/.test(name)) return `loop variable ${name} must be a plain lower-case name`;
  if (RESERVED.has(name) || KEYWORDS.has(name)) return `loop variable ${name} would hide a name the template needs`;
  return forbiddenName(name);
}
