import { timingSafeEqual } from 'node:crypto';
import type { ApiKeySecrets } from '../application/ports/api-key-secrets.js';
import { API_KEY_SCOPES, type ApiKeyScope } from '../domain/api-key-scope.js';
import type { ApiKeyAuthenticator } from './services.js';

export interface ScopeLookup {
  scopesOf(keyHash: string): Promise<readonly ApiKeyScope[] | null>;
}

/** The bootstrap key (ADMIN_API_KEY) holds every scope; any other key is looked up by its hash. */
export class BootstrapAwareAuthenticator implements ApiKeyAuthenticator {
  private readonly bootstrapHash: Buffer;

  constructor(
    bootstrapKey: string,
    private readonly secrets: ApiKeySecrets,
    private readonly lookup: ScopeLookup,
  ) {
    this.bootstrapHash = Buffer.from(secrets.hash(bootstrapKey), 'hex');
  }

  async scopesOf(presentedKey: string): Promise<readonly ApiKeyScope[] | null> {
    const hash = this.secrets.hash(presentedKey);
    if (timingSafeEqual(Buffer.from(hash, 'hex'), this.bootstrapHash)) return API_KEY_SCOPES;
    return this.lookup.scopesOf(hash);
  }
}
