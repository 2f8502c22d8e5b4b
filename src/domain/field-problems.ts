import { type FieldError, InvalidDeliverySettingsError, InvalidValueError, problemsOf } from './errors.js';

/**
 * Checks every item, collecting each one's problems rather than stopping at the first, and
 * throws them together (InvalidDeliverySettingsError) when there are any: a caller mends every
 * bad key of a map at once.
 */
export function checkEach<T>(items: readonly T[], check: (item: T) => void): void {
  const problems: FieldError[] = [];
  for (const item of items) {
    try {
      check(item);
    } catch (error) {
      if (!(error instanceof InvalidValueError)) throw error;
      problems.push(...problemsOf(error));
    }
  }
  if (problems.length > 0) throw new InvalidDeliverySettingsError(problems);
}
