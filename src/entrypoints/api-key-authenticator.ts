import { timingSafeEqual } from 'node:crypto';
import type { ApiKeySecrets } from '../application/ports/api-key-secrets.js';
import { API_KEY_SCOPES } from '../domain/api-key-scope.js';
import type { ApiKeyAuthenticator, AuthenticatedKey } from './services.js';

/** The id the bootstrap key (ADMIN_API_KEY) goes by: it is not stored, and no stored key has it (those are UUIDs). */
export const BOOTSTRAP_KEY_ID = 'bootstrap';

export interface ApiKeyLookup {
  keyOf(keyHash: string): Promise<AuthenticatedKey | null>;
  /** Of these ids (stored keys' UUIDs), those of keys not revoked. */
  liveIds(ids: readonly string[]): Promise<ReadonlySet<string>>;
}

/** The bootstrap key (ADMIN_API_KEY) holds every scope and is never revoked; any other key is looked up by its hash. */
export class BootstrapAwareAuthenticator implements ApiKeyAuthenticator {
  private readonly bootstrapHash: Buffer;

  constructor(
    bootstrapKey: string,
    private readonly secrets: ApiKeySecrets,
    private readonly lookup: ApiKeyLookup,
  ) {
    this.bootstrapHash = Buffer.from(secrets.hash(bootstrapKey), 'hex');
  }

  async keyOf(presentedKey: string): Promise<AuthenticatedKey | null> {
    const hash = this.secrets.hash(presentedKey);
    if (timingSafeEqual(Buffer.from(hash, 'hex'), this.bootstrapHash)) return { id: BOOTSTRAP_KEY_ID, scopes: API_KEY_SCOPES };
    return this.lookup.keyOf(hash);
  }

  async liveKeyIds(ids: readonly string[]): Promise<ReadonlySet<string>> {
    const stored = ids.filter((id) => id !== BOOTSTRAP_KEY_ID);
    const live = new Set(stored.length > 0 ? await this.lookup.liveIds(stored) : []);
    if (stored.length < ids.length) live.add(BOOTSTRAP_KEY_ID);
    return live;
  }
}
