import type { TEMPLATE_HELPERS } from '../../domain/template-tags.js';
import { dateTimeFormat, numberFormat, usableLocale, usableTimeZone } from './intl-formatters.js';
import { templateDate, templateNumber, templateText } from './template-values.js';

/** Whom a render is for: the recipient's locale and IANA time zone. */
export interface RenderContext {
  readonly locale: string;
  readonly timeZone: string;
}
export const DEFAULT_RENDER_CONTEXT: RenderContext = { locale: 'en', timeZone: 'UTC' };

export type TemplateHelperName = (typeof TEMPLATE_HELPERS)[number];
export type TemplateHelper = (...args: unknown[]) => string;

const DATE_FORMATS: ReadonlySet<unknown> = new Set(['short', 'medium', 'long', 'full']);
/** The longest `truncate` keeps, and what it keeps when given no usable length. */
export const TRUNCATE_MAX = 10_000;

/**
 * The helpers a template calls by name (the names are TEMPLATE_HELPERS in
 * src/domain/template-tags.ts). Values come from senders, so a helper never throws and always
 * answers a string: a value it cannot format is printed as text (templateText: '' for null, objects
 * and arrays), a bad locale is `en`, an unknown time zone UTC, an unusable option its default.
 */
export function templateHelpers(context: RenderContext = DEFAULT_RENDER_CONTEXT): Readonly<Record<TemplateHelperName, TemplateHelper>> {
  const locale = usableLocale(context.locale);
  const timeZone = usableTimeZone(context.timeZone);
  const helpers: Record<TemplateHelperName, TemplateHelper> = {
    currency: (amount, code = 'USD') => currency(locale, amount, code),
    number: (value, maximumFractionDigits) => number(locale, value, maximumFractionDigits),
    date: (value, format) => dateTime(locale, timeZone, value, format, false),
    datetime: (value, format) => dateTime(locale, timeZone, value, format, true),
    upper: (value) => templateText(value).toLocaleUpperCase(locale),
    lower: (value) => templateText(value).toLocaleLowerCase(locale),
    truncate: (value, length) => truncate(templateText(value), length),
    default: (value, fallback) => templateText(value === undefined || value === null || value === '' ? fallback : value),
  };
  return Object.freeze(Object.assign(Object.create(null) as Record<TemplateHelperName, TemplateHelper>, helpers));
}

/** An ISO 4217 code (an unknown one is shown as the code); anything else gives the bare amount. */
function currency(locale: string, amount: unknown, code: unknown): string {
  const value = templateNumber(amount);
  if (value === null) return templateText(amount);
  if (typeof code !== 'string' || !/^[A-Za-z]{3}$/.test(code)) return numberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
  return numberFormat(locale, { style: 'currency', currency: code.toUpperCase() }).format(value);
}

/** At most `maximumFractionDigits` (0 to 20) decimals, Intl's three when not given. */
function number(locale: string, value: unknown, maximumFractionDigits: unknown): string {
  const n = templateNumber(value);
  if (n === null) return templateText(value);
  const digits = templateNumber(maximumFractionDigits);
  return numberFormat(locale, digits === null ? {} : { maximumFractionDigits: Math.min(20, Math.max(0, Math.trunc(digits))) }).format(n);
}

/** `format` is Intl's dateStyle (and timeStyle): short, medium (the default), long or full. */
function dateTime(locale: string, timeZone: string, value: unknown, format: unknown, withTime: boolean): string {
  const parsed = templateDate(value);
  if (parsed === null) return templateText(value);
  const style = (DATE_FORMATS.has(format) ? format : 'medium') as Intl.DateTimeFormatOptions['dateStyle'];
  const options: Intl.DateTimeFormatOptions = withTime ? { dateStyle: style, timeStyle: style } : { dateStyle: style };
  return dateTimeFormat(locale, parsed.dateOnly ? 'UTC' : timeZone, options).format(parsed.date);
}

/** At most `length` characters (1 to TRUNCATE_MAX), the '…' that marks a cut included. */
function truncate(text: string, length: unknown): string {
  const wanted = templateNumber(length);
  const limit = wanted === null ? TRUNCATE_MAX : Math.min(TRUNCATE_MAX, Math.max(1, Math.trunc(wanted)));
  // Whole code points, never half an emoji; enough of the text to see whether it is longer.
  const points = Array.from(text.slice(0, 2 * limit + 2));
  if (points.length <= limit) return text;
  return `${points.slice(0, limit - 1).join('').trimEnd()}…`;
}
