import { apiKeyIdOf } from '../auth.js';
import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { ApiKeyIdParams, CreateApiKeyBody, CreatedApiKeyResponse } from '../schemas.js';

export function apiKeyRoutes(api: Api, { bus }: HttpDeps): void {
  api.route({
    method: 'post',
    path: '/admin/api-keys',
    summary: 'Create an API key with the chosen scopes; the key is shown once',
    tag: 'admin',
    scope: 'admin',
    body: CreateApiKeyBody,
    responses: { 201: { description: 'Created', schema: CreatedApiKeyResponse } },
    handle: async ({ body }, res) => {
      const created = await bus.handle({ type: 'CreateApiKey', name: body.name, scopes: body.scopes, actor: apiKeyIdOf(res) });
      res.status(201).set('Cache-Control', 'no-store').json({
        id: created.id,
        name: created.name,
        key: created.key,
        scopes: created.scopes,
        created_at: created.createdAt.toISOString(),
      });
    },
  });

  api.route({
    method: 'delete',
    path: '/admin/api-keys/:id',
    summary: 'Revoke an API key',
    tag: 'admin',
    scope: 'admin',
    params: ApiKeyIdParams,
    responses: { 204: { description: 'Revoked' }, 404: { description: 'No such live key' } },
    handle: async ({ params }, res) => {
      await bus.handle({ type: 'RevokeApiKey', apiKeyId: params.id, actor: apiKeyIdOf(res) });
      res.status(204).end();
    },
  });
}
