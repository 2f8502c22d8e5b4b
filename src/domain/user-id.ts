import { InvalidValueError } from './errors.js';

const MAX_LENGTH = 128;
// Control, format, surrogate and unassigned code points are not printable.
const NON_PRINTABLE = /\p{C}/u;

/** Opaque user id: the user service's 32-hex ids and the order service's integers both fit. */
export class UserId {
  private constructor(readonly value: string) {}

  static of(raw: unknown, field = 'userid'): UserId {
    const text = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw;
    if (typeof text !== 'string') throw new InvalidValueError(field, 'must be a string');
    const length = [...text].length;
    if (length < 1 || length > MAX_LENGTH) {
      throw new InvalidValueError(field, `must be 1 to ${MAX_LENGTH} characters long`);
    }
    if (NON_PRINTABLE.test(text)) throw new InvalidValueError(field, 'must contain printable characters only');
    if (text.trim() === '') throw new InvalidValueError(field, 'must not be blank');
    return new UserId(text);
  }

  equals(other: UserId): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }
}
