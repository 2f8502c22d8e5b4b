import { ApiKeyScope } from '../../domain/api-key-scope.js';
import { ApiKeyNotFoundError, InvalidValueError } from '../../domain/errors.js';
import type { CommandHandler } from '../handler-types.js';
import type { ApiKeySecrets } from '../ports/api-key-secrets.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';

export interface ApiKeyDeps {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly secrets: ApiKeySecrets;
}

export function createApiKey({ clock, ids, secrets }: ApiKeyDeps): CommandHandler<'CreateApiKey'> {
  return async (command, uow) => {
    const name = command.name.trim();
    if (name.length < 1 || name.length > 100) throw new InvalidValueError('name', 'must be 1 to 100 characters long');
    if (command.scopes.length === 0) throw new InvalidValueError('scopes', 'must name at least one scope');
    const scopes = [...new Set(command.scopes.map((scope, i) => ApiKeyScope.of(scope, `scopes.${i}`)))];
    const key = secrets.generate();
    const record = { id: ids.newId(), name, keyHash: secrets.hash(key), scopes, createdAt: clock.now() };
    await uow.apiKeys.add(record);
    return { id: record.id, name, key, scopes, createdAt: record.createdAt };
  };
}

export function revokeApiKey(clock: Clock): CommandHandler<'RevokeApiKey'> {
  return async (command, uow) => {
    if (!(await uow.apiKeys.revoke(command.apiKeyId, clock.now()))) throw new ApiKeyNotFoundError(command.apiKeyId);
  };
}
