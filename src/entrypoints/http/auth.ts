import type { RequestHandler } from 'express';
import type { ApiKeyScope } from '../../domain/api-key-scope.js';
import type { ApiKeyAuthenticator } from '../services.js';
import { Problem } from './problem.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="notification-service"' };
const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/** Why an Authorization header does not grant `scope` (401 without a valid key, 403 without the scope), or null when it does. */
export async function scopeProblem(authenticator: ApiKeyAuthenticator, header: string | undefined, scope: ApiKeyScope): Promise<Problem | null> {
  if (!header) return new Problem(401, 'Unauthorized', 'An API key is required: Authorization: Bearer <key>', [], CHALLENGE);
  const key = BEARER.exec(header)?.[1];
  const scopes = key === undefined ? null : await authenticator.scopesOf(key);
  if (!scopes) return new Problem(401, 'Unauthorized', 'The API key is not valid', [], CHALLENGE);
  if (!scopes.includes(scope)) return new Problem(403, 'Forbidden', `The API key lacks the scope ${scope}`);
  return null;
}

/** 401 without a valid key, 403 when the key lacks `scope`. */
export function requireScope(authenticator: ApiKeyAuthenticator, scope: ApiKeyScope): RequestHandler {
  return async (req, _res, next) => {
    const problem = await scopeProblem(authenticator, req.get('authorization'), scope);
    if (problem) throw problem;
    next();
  };
}
