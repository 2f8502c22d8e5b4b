import type { z } from 'zod';
import { Problem, type FieldError } from './problem.js';

function fieldErrors(error: z.ZodError, location: string): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: base ? `${base}.${key}` : key, message: 'is not a known field' }));
    }
    return [{ field: base || location, message: issue.message }];
  });
}

/** Parses one part of a request; a failure names every offending field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, location: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw Problem.validation(fieldErrors(result.error, location));
  return result.data;
}
