import { RenderBudgetExceededError } from '../../domain/errors.js';

/**
 * Bounds of one render, enforced in the render itself rather than by a worker thread. The grammar
 * (src/domain/template-grammar.ts) leaves loops over data as the only way to repeat work, so loops
 * are what is counted: a loop step is charged the template's tag count (at least `minStepCost`),
 * the most one pass through a loop body can run, out of `work` units per render.
 */
export const RENDER_LIMITS = {
  work: 1_000_000,
  minStepCost: 10,
  /** Per rendered field, in UTF-8 bytes. */
  outputBytes: 512 * 1024,
  /**
   * Printed values of a whole render, all fields together: the layout prints the body it wraps
   * once more, so a render of fields within outputBytes may print a few times that.
   */
  printedChars: 4 * 512 * 1024,
  /** Of the variables handed to a template: nesting levels and object keys plus array items. */
  depth: 32,
  entries: 100_000,
} as const;

/**
 * The work and output one render may still use; made per render (one per notification), shared
 * by all the fields rendered from the same variables.
 */
export class RenderBudget {
  /** 100,000 loop steps for a template of up to ten tags, fewer for a bigger one. */
  readonly steps: number;
  private stepsTaken = 0;
  private printedChars = 0;

  /** `tags`: the most tags of the fields rendered with this budget (a loop body holds no more). */
  constructor(tags = 0) {
    this.steps = Math.floor(RENDER_LIMITS.work / Math.max(RENDER_LIMITS.minStepCost, tags));
  }

  /** Called by every step of a loop over the variables. */
  step(): void {
    if (++this.stepsTaken > this.steps) throw new RenderBudgetExceededError(`loops ran more than ${this.steps} steps`);
  }

  /**
   * Counts a printed value, for the engine's escape function: the output is then bounded while it
   * is built, not only once a huge string exists. Characters are counted (never more than the
   * UTF-8 bytes); checkOutputSize holds each field to its exact byte limit afterwards.
   */
  print(text: string): string {
    this.printedChars += text.length;
    if (this.printedChars > RENDER_LIMITS.printedChars) throw new RenderBudgetExceededError(`printed values passed ${RENDER_LIMITS.printedChars} characters`);
    return text;
  }
}

/** Throws when a rendered field is larger than `maxBytes` in UTF-8. */
export function checkOutputSize(field: string, output: string, maxBytes: number = RENDER_LIMITS.outputBytes): void {
  // A UTF-8 encoding is never shorter than the string's length: the cheap test first.
  if (output.length > maxBytes || Buffer.byteLength(output, 'utf8') > maxBytes) {
    throw new RenderBudgetExceededError(`the output is larger than ${maxBytes} bytes`, field);
  }
}
