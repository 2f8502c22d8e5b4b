import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { Api } from './api.js';

export function openApiDocument(api: Api) {
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
