import { apiKeyIdOf } from '../auth.js';
import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { UserIdParams } from '../schemas.js';
import { V1UserBody, V1UserResponse, createUserCommand, inV1Names, v1UserJson } from '../v1-user-shapes.js';

const INVALID = 'Settings that cannot be used (preferred_language, timezone, quiet hours), each named';

/** Seed 001's user endpoints: a recipient profile, through the same command as the preferences API, in its envelope. */
export function v1UserRoutes(api: Api, { bus, queries }: HttpDeps): void {
  api.route({
    method: 'post',
    path: '/v1/users',
    summary: 'Seed 001: create a recipient profile (a new UUID when user_id is absent); email_enabled and push_enabled are channel flags',
    tag: 'preferences',
    scope: 'preferences:write',
    body: V1UserBody,
    responses: { 201: { description: 'Created, in the envelope', schema: V1UserResponse }, 409: { description: 'The user has a profile already' }, 422: { description: INVALID } },
    handle: async ({ body }, res) => {
      const view = await bus.handle({ ...createUserCommand(body), actor: apiKeyIdOf(res) }).catch(inV1Names);
      res.status(201).location(`/v1/users/${encodeURIComponent(view.userId)}`).json({ success: true, data: v1UserJson(view), message: 'User created' });
    },
  });

  api.route({
    method: 'get',
    path: '/v1/users/:userid',
    summary: "Seed 001: a recipient profile, in the envelope (may lag writes by the standby's bound)",
    tag: 'preferences',
    scope: 'preferences:read',
    params: UserIdParams,
    responses: { 200: { description: 'Found, in the envelope', schema: V1UserResponse }, 404: { description: 'No profile stored' } },
    handle: async ({ params }, res) => {
      res.json({ success: true, data: v1UserJson(await queries.preferences.ofUser(params.userid)), message: 'User found' });
    },
  });
}
