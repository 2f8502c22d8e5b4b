import type { TemplateView } from '../../application/ports/template-read-model.js';
import type { TemplateVariable, VariableType } from '../../domain/template-variables.js';

/** The JSON Schema (OpenAPI 3.1) this file writes: a plain, serialisable object. */
export interface JsonSchema {
  readonly [keyword: string]: unknown;
}

/**
 * Each declared type as documented. The check of a send (template-variables-schema.ts) is more
 * lenient: a string variable also takes a number, a number a numeric string; a client that keeps
 * to the documented types is always accepted.
 */
const BY_TYPE: { readonly [T in VariableType]: JsonSchema } = {
  string: { type: 'string', description: 'a number is also taken' },
  number: { type: 'number', description: 'a numeric string is also taken' },
  boolean: { type: 'boolean' },
  date: { type: 'string', anyOf: [{ format: 'date' }, { format: 'date-time' }], description: 'an ISO 8601 day, or an instant with its offset' },
  array: { type: 'array' },
  object: { type: 'object' },
};

/** The name of a template's variables in components.schemas; the send route's template_vars points to it. */
export function variablesSchemaName(key: string): string {
  return `Variables.${key}`;
}

function propertySchema(variable: TemplateVariable): JsonSchema {
  const { type, description, ...rest } = BY_TYPE[variable.type];
  const notes = [description, variable.secret && 'a one-time secret, erased once the notification is final'].filter(Boolean).join('; ');
  // An optional variable may also be sent as null (the check takes it as absent).
  return { type: variable.required ? type : [type, 'null'], ...rest, ...(notes ? { description: notes } : {}) };
}

function variablesSchema(template: TemplateView): JsonSchema {
  const { variables, description } = template.definition;
  const named = `The variables of template ${template.key}, live version ${template.liveVersion}`;
  return {
    type: 'object',
    description: description ? `${named}: ${description}` : named,
    properties: Object.fromEntries(variables.map((v) => [v.name, propertySchema(v)])),
    required: variables.filter((v) => v.required).map((v) => v.name),
  };
}

/** One component schema per template, generated from the live definitions; no I/O. */
export function variablesSchemas(templates: readonly TemplateView[]): Record<string, JsonSchema> {
  return Object.fromEntries(templates.map((t) => [variablesSchemaName(t.key), variablesSchema(t)]));
}
