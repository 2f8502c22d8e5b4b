import { InvalidValueError } from '../../domain/errors.js';

/** Page-numbered lists (schedules, suppressions): `page` counts from 1, `size` from 1 to `maxSize`. */
export function checkPage(page: number, size: number, maxSize: number): void {
  if (!Number.isInteger(page) || page < 1 || !Number.isSafeInteger(page * maxSize)) throw new InvalidValueError('page', 'must be a whole number from 1');
  if (!Number.isInteger(size) || size < 1 || size > maxSize) throw new InvalidValueError('size', `must be an integer from 1 to ${maxSize}`);
}
