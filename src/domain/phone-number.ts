import { InvalidValueError } from './errors.js';

// E.164: a plus, a country code that never starts with 0, at most 15 digits in all.
const E164 = /^\+[1-9]\d{1,14}$/;

/** A phone number in E.164 form (`+4915112345678`), as SMS providers take it; nothing else is guessed. */
export class PhoneNumber {
  private constructor(readonly value: string) {}

  static of(raw: unknown, field = 'phone_number'): PhoneNumber {
    if (typeof raw !== 'string') throw new InvalidValueError(field, 'must be a string');
    if (!E164.test(raw)) throw new InvalidValueError(field, 'must be an E.164 number: + and 2 to 15 digits, no spaces, such as +4915112345678');
    return new PhoneNumber(raw);
  }

  equals(other: PhoneNumber): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }
}
