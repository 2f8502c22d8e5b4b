import { InvalidValueError } from './errors.js';
import { canonicalLocale } from './template-locale.js';

/** A recipient's language: a BCP 47 tag in canonical form; it picks the template locale. */
export type Language = string;

export const Language = {
  /** Canonicalised by Intl (`fr-be` → `fr-BE`); refused when it is not a well-formed tag. */
  of(raw: unknown, field = 'language'): Language {
    if (typeof raw !== 'string' || raw === '') throw new InvalidValueError(field, 'must be a BCP 47 language tag such as fr or fr-BE');
    return canonicalLocale(raw, field);
  },
};
