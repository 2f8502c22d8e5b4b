/**
 * Intl formatters, cached: building one costs far more than formatting with it, and every helper
 * call of every render needs one. The cache is bounded (least recently used goes first), since
 * locales and zones come from recipients.
 */
const MAX_FORMATTERS = 256;
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return cached(numberFormats, JSON.stringify([locale, options]), () => new Intl.NumberFormat(locale, options));
}

export function dateTimeFormat(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cached(dateTimeFormats, JSON.stringify([locale, timeZone, options]), () => new Intl.DateTimeFormat(locale, { ...options, timeZone }));
}

/** The locale as Intl spells it, or `en` when it is not a locale at all. */
export function usableLocale(locale: string): string {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

/** The IANA time zone, or UTC when Intl does not know it. */
export function usableTimeZone(timeZone: string): string {
  try {
    dateTimeFormat('en', timeZone, {});
    return timeZone;
  } catch {
    return 'UTC';
  }
}

function cached<F>(cache: Map<string, F>, key: string, make: () => F): F {
  const found = cache.get(key);
  if (found !== undefined) {
    cache.delete(key);
    cache.set(key, found);
    return found;
  }
  const made = make();
  if (cache.size >= MAX_FORMATTERS) cache.delete(cache.keys().next().value as string);
  cache.set(key, made);
  return made;
}
