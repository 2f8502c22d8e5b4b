import { InvalidValueError } from './errors.js';

// RFC 5322 addr-spec, restricted to what mail servers deliver: a dot-atom or quoted local part,
// and a host name of LDH labels. CR and LF are refused everywhere (header injection).
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const DOT_ATOM = `${ATEXT}+(?:\\.${ATEXT}+)*`;
const QUOTED = '"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\x20-\\x7e])*"';
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const ADDRESS = new RegExp(`^(?:${DOT_ATOM}|${QUOTED})@${LABEL}(?:\\.${LABEL})*$`);
const MAX_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;

export class EmailAddress {
  private constructor(readonly value: string) {}

  static of(raw: unknown, field = 'email'): EmailAddress {
    if (typeof raw !== 'string') throw new InvalidValueError(field, 'must be a string');
    if (/[\r\n]/.test(raw)) throw new InvalidValueError(field, 'must not contain CR or LF');
    if (raw.length > MAX_LENGTH) throw new InvalidValueError(field, `must be at most ${MAX_LENGTH} characters`);
    const at = raw.lastIndexOf('@');
    if (at > MAX_LOCAL_LENGTH || !ADDRESS.test(raw)) {
      throw new InvalidValueError(field, 'must be an email address such as user@example.com');
    }
    return new EmailAddress(`${raw.slice(0, at)}@${raw.slice(at + 1).toLowerCase()}`);
  }

  equals(other: EmailAddress): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }
}
