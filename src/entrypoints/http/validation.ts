import type { z } from 'zod';
import type { FieldError } from '../../domain/errors.js';
import { Problem } from './problem.js';

function fieldErrors(error: z.ZodError, location: string): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: base ? `${base}.${key}` : key, message: 'is not a known field' }));
    }
    return [{ field: base || location, message: issue.message }];
  });
}

/** A part of a request parsed, or every offending field named. */
export type Parsed<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly errors: readonly FieldError[] };

export function parsed<S extends z.ZodType>(schema: S, value: unknown, location: string): Parsed<z.output<S>> {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, data: result.data } : { ok: false, errors: fieldErrors(result.error, location) };
}

/** Parses one part of a request; a failure names every offending field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, location: string): z.output<S> {
  const result = parsed(schema, value, location);
  if (!result.ok) throw Problem.validation(result.errors);
  return result.data;
}
