import { RenderBudgetExceededError } from '../../domain/errors.js';
import { RENDER_LIMITS, type RenderBudget } from './render-budget.js';

/** An array whose loops are charged to a render's budget; indexes and `length` work as usual. */
class BudgetedArray extends Array<unknown> {
  // Arrays derived from this one (map, filter, slice) are plain arrays: nothing else builds one.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  readonly #budget: RenderBudget;

  constructor(budget: RenderBudget) {
    super();
    this.#budget = budget;
  }

  override [Symbol.iterator](): ArrayIterator<unknown> {
    const budget = this.#budget;
    const items = super[Symbol.iterator]();
    const next = (): IteratorResult<unknown, undefined> => {
      const result = items.next();
      if (!result.done) budget.step();
      return result;
    };
    return Object.assign(Object.create(items) as ArrayIterator<unknown>, { next });
  }
}

type Data = Record<string, unknown>;
const printedBlank = (): string => '';

/**
 * A copy of a render's variables that the template can loop over only within `budget`. Objects
 * become null-prototype objects holding every key as plain own data (`__proto__` and
 * `constructor` included, so sender data cannot reach or change a prototype, and a template sees
 * nothing but the data); an object printed whole prints '' (as the helpers print it) instead of
 * throwing for want of a prototype; functions and symbols are dropped; deeper than
 * RENDER_LIMITS.depth or more than RENDER_LIMITS.entries keys and items in all is refused.
 */
/**
 * What a template's `for` loops over (the engine wraps every loop's value in it): a budgeted
 * array as it is, anything else (a string, whose characters would loop for free) as nothing.
 */
export function loopOver(value: unknown): Iterable<unknown> {
  return value instanceof BudgetedArray ? value : [];
}

export function budgetedData(vars: Readonly<Data>, budget: RenderBudget): Data {
  return new DataCopy(budget).of(vars, 0) as Data;
}

class DataCopy {
  private entries = 0;

  constructor(private readonly budget: RenderBudget) {}

  of(value: unknown, depth: number): unknown {
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    if (value === null || typeof value !== 'object') return value;
    if (depth > RENDER_LIMITS.depth) throw new RenderBudgetExceededError(`the variables are nested deeper than ${RENDER_LIMITS.depth} levels`);
    if (value instanceof Date) return new Date(value.getTime());
    return Array.isArray(value) ? this.array(value, depth) : this.object(value, depth);
  }

  private array(value: readonly unknown[], depth: number): BudgetedArray {
    const array = new BudgetedArray(this.budget);
    // By index, not by iterator: the source may itself be budgeted, and holes become undefined.
    for (let i = 0; i < value.length; i++) {
      this.count();
      array.push(this.of(value[i], depth + 1));
    }
    return array;
  }

  private object(value: object, depth: number): Data {
    const object: Data = Object.create(null);
    Object.defineProperty(object, Symbol.toPrimitive, { value: printedBlank });
    for (const [key, item] of Object.entries(value)) {
      this.count();
      Object.defineProperty(object, key, { value: this.of(item, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return object;
  }

  private count(): void {
    if (++this.entries > RENDER_LIMITS.entries) throw new RenderBudgetExceededError(`the variables hold more than ${RENDER_LIMITS.entries} keys and items`);
  }
}
