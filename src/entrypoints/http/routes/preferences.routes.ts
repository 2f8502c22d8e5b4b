import { apiKeyIdOf } from '../auth.js';
import type { Api } from '../api.js';
import { RotatedWebhookSecretResponse, contactPointsOf } from '../contact-point-schemas.js';
import { deliverySettingsOf } from '../delivery-settings-schemas.js';
import type { HttpDeps } from '../http-deps.js';
import { Problem } from '../problem.js';
import { preferencesJson, rotatedSecretJson, writtenPreferencesJson } from '../presenters.js';
import { CreatePreferencesBody, PreferencesResponse, ReplacePreferencesBody, UserIdParams, WrittenPreferencesResponse } from '../schemas.js';

/** Writes may answer a webhook secret: no cache may keep it. */
const NO_STORE = { 'Cache-Control': 'no-store' };

export function preferencesRoutes(api: Api, { bus, queries }: HttpDeps): void {
  api.route({
    method: 'post',
    path: '/notifications/preferences',
    summary: "Create a user's notification preferences",
    tag: 'preferences',
    scope: 'preferences:write',
    body: CreatePreferencesBody,
    responses: {
      201: { description: 'Created', schema: WrittenPreferencesResponse },
      409: { description: 'They exist already' },
      422: { description: 'Settings that cannot be used (language, timezone, quiet_hours, channels, overrides), each named' },
    },
    handle: async ({ body }, res) => {
      const view = await bus.handle({
        type: 'CreatePreferences',
        actor: apiKeyIdOf(res),
        userId: body.userid,
        notificationEmail: body.notification_email,
        preferences: body.preferences,
        ...contactPointsOf(body),
        ...deliverySettingsOf(body),
      });
      res.status(201).location(`/notifications/preferences/${encodeURIComponent(view.userId)}`).set(NO_STORE).json(writtenPreferencesJson(view));
    },
  });

  api.route({
    method: 'put',
    path: '/notifications/preferences/:userid',
    summary: "Replace a user's notification preferences (creates them when absent); contact points and delivery settings left out are kept",
    tag: 'preferences',
    scope: 'preferences:write',
    params: UserIdParams,
    body: ReplacePreferencesBody,
    responses: {
      200: { description: 'Replaced', schema: WrittenPreferencesResponse },
      201: { description: 'Created', schema: WrittenPreferencesResponse },
      409: { description: 'Changed concurrently; retry' },
      422: { description: 'Settings that cannot be used (language, timezone, quiet_hours, channels, overrides), each named' },
    },
    handle: async ({ params, body }, res) => {
      if (body.userid !== undefined && body.userid !== params.userid) {
        throw Problem.validation([{ field: 'userid', message: 'must equal the user id in the path' }]);
      }
      const { created, preferences } = await bus.handle({
        type: 'ReplacePreferences',
        actor: apiKeyIdOf(res),
        userId: params.userid,
        notificationEmail: body.notification_email,
        preferences: body.preferences,
        ...contactPointsOf(body),
        ...deliverySettingsOf(body),
      });
      res.status(created ? 201 : 200).set(NO_STORE).json(writtenPreferencesJson(preferences));
    },
  });

  api.route({
    method: 'get',
    path: '/notifications/preferences/:userid',
    summary: "Read a user's notification preferences (may lag writes by the standby's bound); never a webhook secret",
    tag: 'preferences',
    scope: 'preferences:read',
    params: UserIdParams,
    responses: { 200: { description: 'Found', schema: PreferencesResponse }, 404: { description: 'None stored' } },
    handle: async ({ params }, res) => {
      res.json(preferencesJson(await queries.preferences.ofUser(params.userid)));
    },
  });

  api.route({
    method: 'post',
    path: '/notifications/preferences/:userid/webhook-secret',
    summary: "Rotate the signing secret of the user's webhook endpoint: the new one is shown once; the previous one signs 24 hours more",
    tag: 'preferences',
    scope: 'preferences:write',
    params: UserIdParams,
    responses: {
      200: { description: 'Rotated', schema: RotatedWebhookSecretResponse },
      404: { description: 'No preferences stored' },
      409: { description: 'The user has no webhook_url' },
    },
    handle: async ({ params }, res) => {
      res.set(NO_STORE).json(rotatedSecretJson(await bus.handle({ type: 'RotateWebhookSecret', userId: params.userid, actor: apiKeyIdOf(res) })));
    },
  });
}
