import { apiKeyIdOf } from '../auth.js';
import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { SuppressionIdParams, SuppressionListQuery, SuppressionPageResponse, suppressionJson } from '../suppression-schemas.js';

/** Addresses not sent to (SMS STOP, later bounces and complaints): listed, and lifted by an admin. */
export function suppressionRoutes(api: Api, { bus, queries }: HttpDeps): void {
  api.route({
    method: 'get',
    path: '/suppressions',
    summary: 'Suppressed addresses, newest first, by channel and address',
    tag: 'suppressions',
    scope: 'notifications:read',
    query: SuppressionListQuery,
    responses: { 200: { description: 'One page', schema: SuppressionPageResponse } },
    handle: async ({ query }, res) => {
      const { page, size } = query;
      const found = await queries.suppressions.list({ channel: query.channel ?? null, address: query.address ?? null }, page, size);
      res.json({ suppressions: found.suppressions.map(suppressionJson), page, size, total: found.total });
    },
  });

  api.route({
    method: 'delete',
    path: '/suppressions/:id',
    summary: 'Lift a suppression: the address may be sent to again',
    tag: 'suppressions',
    scope: 'admin',
    params: SuppressionIdParams,
    responses: { 204: { description: 'Lifted' }, 404: { description: 'No such suppression' } },
    handle: async ({ params }, res) => {
      await bus.handle({ type: 'LiftSuppression', suppressionId: params.id, actor: apiKeyIdOf(res) });
      res.status(204).end();
    },
  });
}
