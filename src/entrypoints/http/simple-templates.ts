import type { z } from 'zod';
import type { TemplateDefinition, TemplateVariant } from '../../domain/template-definition.js';
import { convertPlaceholders } from '../../domain/template-placeholders.js';
import { templateVariable } from '../../domain/template-variables.js';
import type { SimpleTemplateBody } from './template-schemas.js';

/** The one-variant templates of older systems: their texts with placeholders, one channel, English. */
interface SimpleTemplate {
  readonly channel: TemplateVariant['channel'];
  readonly subject?: string | undefined;
  readonly body: string;
  readonly html?: string | undefined;
  /** Names the sender declared; the placeholders' names are added to them. */
  readonly variables?: readonly string[] | undefined;
}

/**
 * A definition from a template written with placeholders (`{{ name }}`, `{{ amount | currency }}`,
 * `{name}`), converted to the grammar at save time. Every variable it names is a required
 * string (a number is taken too): a send without one is refused at the door rather than sent blank.
 */
export function placeholderDefinition(t: SimpleTemplate): TemplateDefinition {
  const texts = { subject: t.subject, body: t.body, html: t.html };
  const converted = Object.fromEntries(
    Object.entries(texts).flatMap(([field, text]) => (text === undefined ? [] : [[field, convertPlaceholders(field, text)]])),
  ) as Partial<Record<keyof typeof texts, ReturnType<typeof convertPlaceholders>>>;
  const names = new Set([...(t.variables ?? []), ...Object.values(converted).flatMap((c) => c.variables)]);
  const { subject, body, html } = converted;
  const variant: TemplateVariant =
    t.channel === 'email'
      ? { channel: 'email', locale: 'en', subject: subject?.source ?? '', text: body?.source ?? '', ...(html ? { html: html.source } : {}) }
      : { channel: t.channel, locale: 'en', body: body?.source ?? '', ...(subject ? { title: subject.source } : {}), ...(t.channel === 'webhook' ? { payload: body?.source ?? '' } : {}) };
  return {
    description: '',
    priority: 'normal',
    ttlSeconds: null,
    routing: { mode: 'all' },
    variables: [...names].map((name, i) => templateVariable({ name, type: 'string' }, `variables[${i}]`)),
    defaultLocale: 'en',
    variants: [variant],
  };
}

/** Seed 003's `POST /templates` body. */
export function simpleDefinition(body: z.output<typeof SimpleTemplateBody>): TemplateDefinition {
  return placeholderDefinition(body);
}
