import { InvalidValueError } from './errors.js';

export const API_KEY_SCOPES = [
  'preferences:read',
  'preferences:write',
  'notifications:read',
  'notifications:send',
  'templates:read',
  'templates:write',
  'dead_letters:manage',
  'analytics:read',
  'admin',
] as const;

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const ApiKeyScope = {
  of(raw: unknown, field = 'scopes'): ApiKeyScope {
    if (typeof raw !== 'string' || !(API_KEY_SCOPES as readonly string[]).includes(raw)) {
      throw new InvalidValueError(field, `must be one of ${API_KEY_SCOPES.join(', ')}`);
    }
    return raw as ApiKeyScope;
  },
};
