import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { Api } from './api.js';
import type { JsonSchema } from './variables-schemas.js';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** The routes' document, generated once: routes do not change while the service runs. */
export function openApiDocument(api: Api): OpenApiDocument {
  return new OpenApiGeneratorV31(api.registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Notification service',
      version: '0.1.0',
      description:
        'Preferences, history and operations of the notification service. Errors are application/problem+json (RFC 9457).',
    },
  });
}

/** The routes' document with the templates' variables added to its component schemas. */
export function withVariables(document: OpenApiDocument, variables: Readonly<Record<string, JsonSchema>>): OpenApiDocument {
  const schemas = { ...document.components?.schemas, ...variables };
  return { ...document, components: { ...document.components, schemas } };
}
