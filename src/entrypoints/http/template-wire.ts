import type { z } from 'zod';
import type { TemplateVersionSummary, TemplateVersionView, TemplateView } from '../../application/ports/template-read-model.js';
import type { TemplateDefinition, TemplateVariant } from '../../domain/template-definition.js';
import { templateVariable } from '../../domain/template-variables.js';
import type { TemplateDefinitionBody, VariantSchema } from './template-schemas.js';

type DefinitionBody = z.output<typeof TemplateDefinitionBody>;
type VariantBody = z.output<typeof VariantSchema>;

/** The one mapping between a definition on the wire (snake_case) and the domain's. */
export function definitionOf(body: DefinitionBody): TemplateDefinition {
  return {
    description: body.description,
    priority: body.priority,
    ttlSeconds: body.ttl ?? null,
    routing: body.routing,
    variables: body.variables.map((v, i) => templateVariable(v, `variables[${i}]`)),
    defaultLocale: body.default_locale,
    variants: body.variants.map(variantOf),
  };
}

function variantOf({ action_url, ...rest }: VariantBody): TemplateVariant {
  const fields = Object.entries({ ...rest, actionUrl: action_url }).filter(([, value]) => value !== undefined);
  return Object.fromEntries(fields) as unknown as TemplateVariant;
}

export function definitionJson(d: TemplateDefinition) {
  return {
    description: d.description,
    priority: d.priority,
    ttl: d.ttlSeconds,
    routing: d.routing,
    variables: d.variables,
    default_locale: d.defaultLocale,
    variants: d.variants.map(({ actionUrl, ...rest }) => ({ ...rest, ...(actionUrl === undefined ? {} : { action_url: actionUrl }) })),
  };
}

export function templateJson(view: TemplateView) {
  return {
    key: view.key,
    built_in: view.builtIn,
    live_version: view.liveVersion,
    latest_version: view.latestVersion,
    ...definitionJson(view.definition),
    created_at: view.createdAt.toISOString(),
    updated_at: view.updatedAt.toISOString(),
  };
}

/** A version as the list shows it: what it is, not its texts (GET .../versions/{n} has those). */
export function versionSummaryJson(view: TemplateVersionSummary) {
  return { version: view.version, status: view.live ? 'live' : 'draft', created_at: view.createdAt.toISOString(), description: view.description };
}

export function versionJson(view: TemplateVersionView) {
  return { version: view.version, status: view.live ? 'live' : 'draft', created_at: view.createdAt.toISOString(), ...definitionJson(view.definition) };
}
