import { InvalidValueError } from './errors.js';
import type { Channel } from './notification-type.js';
import type { Priority } from './priority.js';
import type { TemplateFieldKind } from './template-grammar.js';
import { canonicalLocale } from './template-locale.js';
import type { TemplateVariable } from './template-variables.js';


export interface TemplateVariant {
  readonly channel: Channel;
  readonly locale: string;
  readonly subject?: string;
  readonly html?: string;
  readonly text?: string;
  readonly body?: string;
  readonly title?: string;
  readonly data?: string;
  readonly actionUrl?: string;
  readonly payload?: string;
}
type VariantField = Exclude<keyof TemplateVariant, 'channel' | 'locale'>;

export type TemplateRouting = { readonly mode: 'all' } | { readonly mode: 'first'; readonly order: readonly Channel[] };

/** One version of a template: what a notification of its type is rendered from. */
export interface TemplateDefinition {
  readonly description: string;
  readonly priority: Priority;
  readonly ttlSeconds: number | null;
  readonly routing: TemplateRouting;
  readonly variables: readonly TemplateVariable[];
  readonly defaultLocale: string;
  readonly variants: readonly TemplateVariant[];
}

/** The fields each channel's variant must have (at least one of each inner list). */
const REQUIRED: { readonly [C in Channel]: ReadonlyArray<readonly VariantField[]> } = {
  email: [['subject'], ['html', 'text']],
  sms: [['body']],
  push: [['title'], ['body']],
  in_app: [['title'], ['body']],
  webhook: [['payload']],
};

/** A template field's grammar: an email body may use the layout, a webhook payload may print JSON. */
function fieldKind(channel: Channel, field: VariantField): TemplateFieldKind {
  if (channel === 'email' && field === 'html') return 'html';
  return channel === 'webhook' && field === 'payload' ? 'payload' : 'text';
}

const VARIANT_FIELDS: readonly VariantField[] = ['subject', 'html', 'text', 'body', 'title', 'data', 'actionUrl', 'payload'];

/** Checks how a definition holds together; `checkField` checks each template text (the grammar). */
export function checkDefinition(d: TemplateDefinition, checkField: (field: string, kind: TemplateFieldKind, source: string) => void): void {
  const names = d.variables.map((v) => v.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new InvalidValueError('variables', `${twice} is declared twice`);
  if (d.ttlSeconds !== null && !(Number.isInteger(d.ttlSeconds) && d.ttlSeconds > 0 && d.ttlSeconds <= 30 * 86_400)) {
    throw new InvalidValueError('ttl', 'must be a whole number of seconds from 1 to 2592000 (30 days)');
  }
  if (d.variants.length === 0) throw new InvalidValueError('variants', 'must hold at least one variant');
  const defaultLocale = canonicalLocale(d.defaultLocale, 'default_locale');
  const seen = new Set<string>();
  d.variants.forEach((v, i) => {
    const id = `${v.channel}/${canonicalLocale(v.locale, `variants[${i}].locale`)}`;
    if (seen.has(id)) throw new InvalidValueError(`variants[${i}]`, `a second ${v.channel} variant for locale ${v.locale}`);
    seen.add(id);
    const missing = REQUIRED[v.channel].find((any) => any.every((f) => !v[f]));
    if (missing) throw new InvalidValueError(`variants[${i}]`, `a ${v.channel} variant needs ${missing.join(' or ')}`);
    for (const f of VARIANT_FIELDS) if (v[f] !== undefined) checkField(`variants[${i}].${f}`, fieldKind(v.channel, f), v[f]);
  });
  const channels = [...new Set(d.variants.map((v) => v.channel))];
  const orphan = channels.find((c) => !seen.has(`${c}/${defaultLocale}`));
  if (orphan) throw new InvalidValueError('variants', `the ${orphan} variants have none in the default locale ${defaultLocale}`);
  if (d.routing.mode === 'first') {
    const { order } = d.routing;
    const stray = order.find((c) => !channels.includes(c));
    if (order.length === 0 || stray) throw new InvalidValueError('routing.order', `must list channels the template has variants for (${channels.join(', ')})`);
    // A channel twice would send twice to one address: its fallback would be itself.
    const twice = order.find((c, i) => order.indexOf(c) !== i);
    if (twice) throw new InvalidValueError('routing.order', `lists ${twice} twice`);
  }
}
