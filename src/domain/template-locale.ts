import { InvalidValueError } from './errors.js';

/** A BCP 47 locale in its canonical form (`fr-be` → `fr-BE`); refused when it is not one. */
export function canonicalLocale(raw: string, field = 'locale'): string {
  if (raw.length > 35) throw new InvalidValueError(field, 'must be a BCP 47 locale such as fr or fr-BE');
  try {
    const [locale] = Intl.getCanonicalLocales(raw);
    if (locale !== undefined) return locale;
  } catch {
    // RangeError: not a well-formed language tag.
  }
  throw new InvalidValueError(field, 'must be a BCP 47 locale such as fr or fr-BE');
}

/**
 * The locales to try, most specific first: `fr-BE` falls back to `fr`, then to the template's
 * default locale (`zh-Hant-TW` → `zh-Hant` → `zh` → default). No locale asked: the default alone.
 */
export function localeFallbacks(requested: string | null, defaultLocale: string): string[] {
  const chain: string[] = [];
  if (requested !== null) {
    const parts = canonicalLocale(requested).split('-');
    for (let n = parts.length; n > 0; n--) chain.push(parts.slice(0, n).join('-'));
  }
  const fallback = canonicalLocale(defaultLocale, 'default_locale');
  return chain.includes(fallback) ? chain : [...chain, fallback];
}

/** The variant for a channel in the best locale available, or null when the channel has none. */
export function pickVariant<V extends { readonly channel: string; readonly locale: string }>(
  variants: readonly V[],
  channel: string,
  requested: string | null,
  defaultLocale: string,
): V | null {
  const ofChannel = variants.filter((v) => v.channel === channel);
  for (const locale of localeFallbacks(requested, defaultLocale)) {
    const found = ofChannel.find((v) => canonicalLocale(v.locale) === locale);
    if (found) return found;
  }
  return null;
}
