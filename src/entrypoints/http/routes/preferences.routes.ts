import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { Problem } from '../problem.js';
import { preferencesJson } from '../presenters.js';
import { CreatePreferencesBody, PreferencesResponse, ReplacePreferencesBody, UserIdParams } from '../schemas.js';

export function preferencesRoutes(api: Api, { bus, queries }: HttpDeps): void {
  api.route({
    method: 'post',
    path: '/notifications/preferences',
    summary: "Create a user's notification preferences",
    tag: 'preferences',
    scope: 'preferences:write',
    body: CreatePreferencesBody,
    responses: { 201: { description: 'Created', schema: PreferencesResponse }, 409: { description: 'They exist already' } },
    handle: async ({ body }, res) => {
      const view = await bus.handle({
        type: 'CreatePreferences',
        userId: body.userid,
        notificationEmail: body.notification_email,
        preferences: body.preferences,
      });
      res.status(201).location(`/notifications/preferences/${encodeURIComponent(view.userId)}`).json(preferencesJson(view));
    },
  });

  api.route({
    method: 'put',
    path: '/notifications/preferences/:userid',
    summary: "Replace a user's notification preferences (creates them when absent)",
    tag: 'preferences',
    scope: 'preferences:write',
    params: UserIdParams,
    body: ReplacePreferencesBody,
    responses: {
      200: { description: 'Replaced', schema: PreferencesResponse },
      201: { description: 'Created', schema: PreferencesResponse },
      409: { description: 'Changed concurrently; retry' },
    },
    handle: async ({ params, body }, res) => {
      if (body.userid !== undefined && body.userid !== params.userid) {
        throw Problem.validation([{ field: 'userid', message: 'must equal the user id in the path' }]);
      }
      const { created, preferences } = await bus.handle({
        type: 'ReplacePreferences',
        userId: params.userid,
        notificationEmail: body.notification_email,
        preferences: body.preferences,
      });
      res.status(created ? 201 : 200).json(preferencesJson(preferences));
    },
  });

  api.route({
    method: 'get',
    path: '/notifications/preferences/:userid',
    summary: "Read a user's notification preferences (may lag writes by the standby's bound)",
    tag: 'preferences',
    scope: 'preferences:read',
    params: UserIdParams,
    responses: { 200: { description: 'Found', schema: PreferencesResponse }, 404: { description: 'None stored' } },
    handle: async ({ params }, res) => {
      res.json(preferencesJson(await queries.preferences.ofUser(params.userid)));
    },
  });
}
