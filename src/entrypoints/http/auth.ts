import type { RequestHandler, Response } from 'express';
import type { ApiKeyScope } from '../../domain/api-key-scope.js';
import type { ApiKeyAuthenticator, AuthenticatedKey } from '../services.js';
import { Problem } from './problem.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="notification-service"' };
const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

export type ScopeCheck = { readonly key: AuthenticatedKey } | { readonly problem: Problem };

/** The live key of an Authorization header when it grants `scope`; else why not (401 without a valid key, 403 without the scope). */
export async function keyWithScope(authenticator: ApiKeyAuthenticator, header: string | undefined, scope: ApiKeyScope): Promise<ScopeCheck> {
  if (!header) return { problem: new Problem(401, 'Unauthorized', 'An API key is required: Authorization: Bearer <key>', [], CHALLENGE) };
  const presented = BEARER.exec(header)?.[1];
  const key = presented === undefined ? null : await authenticator.keyOf(presented);
  if (!key) return { problem: new Problem(401, 'Unauthorized', 'The API key is not valid', [], CHALLENGE) };
  if (!key.scopes.includes(scope)) return { problem: new Problem(403, 'Forbidden', `The API key lacks the scope ${scope}`) };
  return { key };
}

/** 401 without a valid key, 403 when the key lacks `scope`; the key's id is then `apiKeyIdOf(res)`. */
export function requireScope(authenticator: ApiKeyAuthenticator, scope: ApiKeyScope): RequestHandler {
  return async (req, res, next) => {
    const checked = await keyWithScope(authenticator, req.get('authorization'), scope);
    if ('problem' in checked) throw checked.problem;
    res.locals.apiKeyId = checked.key.id;
    next();
  };
}

/** The id of the key that passed `requireScope` for this request. */
export function apiKeyIdOf(res: Response): string {
  const id: unknown = res.locals.apiKeyId;
  if (typeof id !== 'string') throw new Error('no API key was checked for this route: give it a scope');
  return id;
}
