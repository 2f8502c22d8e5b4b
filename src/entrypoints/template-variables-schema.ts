import { z } from 'zod';
import type { TemplateVariable, VariableType } from '../domain/template-variables.js';

const NUMERIC = /^\s*-?\d{1,15}(\.\d{1,15})?\s*$/;

/**
 * Upstream services send ids as numbers or strings, and amounts as numbers or decimal strings (no
 * float rounding): a string variable takes a number too, a number variable a numeric string.
 */
const BY_TYPE: { readonly [T in VariableType]: () => z.ZodType } = {
  string: () => z.union([z.string(), z.number().finite()], { error: expected('a string') }),
  number: () => z.union([z.number().finite(), z.string().regex(NUMERIC)], { error: expected('a number or a numeric string') }),
  boolean: () => z.boolean(),
  // A date is an ISO-8601 day or an instant with its offset: helpers format it in the recipient's zone.
  date: () => z.union([z.iso.date(), z.iso.datetime({ offset: true })]),
  array: () => z.array(z.unknown()),
  object: () => z.record(z.string(), z.unknown()),
};

/** A missing variable is said to be required; one of another type, what it must be. */
function expected(what: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`);
}

/**
 * The check of a send's or an event's variables, generated from what its template declares:
 * each declared variable present (when required) and of its type. Variables the template does not
 * declare pass through (a send may carry more than one template uses).
 */
function variablesSchema(declared: readonly TemplateVariable[]): z.ZodType<Record<string, unknown>> {
  const built = SCHEMAS.get(declared);
  if (built) return built;
  const shape: Record<string, z.ZodType> = {};
  for (const v of declared) shape[v.name] = v.required ? BY_TYPE[v.type]() : BY_TYPE[v.type]().nullish();
  const schema = z.looseObject(shape);
  SCHEMAS.set(declared, schema);
  return schema;
}

/**
 * Each declaration list's schema, built once: every send and event is checked, and the lists
 * come from the template catalogue's cached versions, the same objects each time (a version
 * crowded out of that cache takes its schema with it).
 */
const SCHEMAS = new WeakMap<readonly TemplateVariable[], z.ZodType<Record<string, unknown>>>();

/** Every problem with the variables, each naming its variable; empty when they fit. */
export function variableProblems(declared: readonly TemplateVariable[], values: unknown): Array<{ variable: string; message: string }> {
  const result = variablesSchema(declared).safeParse(values);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ variable: issue.path.map(String).join('.') || 'variables', message: issue.message }));
}
