import { InvalidValueError } from '../../domain/errors.js';
import type { z } from './zod.js';

/** Runs a domain value object's own check, so HTTP and domain refuse the same values. */
export function checkedBy(check: (value: unknown) => unknown) {
  return (value: unknown, ctx: z.RefinementCtx) => {
    try {
      check(value);
    } catch (error) {
      if (!(error instanceof InvalidValueError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.reason });
    }
  };
}
