import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeySecrets } from '../../application/ports/api-key-secrets.js';

/**
 * Keys carry 256 random bits, so a fast hash is enough: there is no low-entropy secret for a slow
 * hash to protect, and lookups by hash stay one index probe.
 */
export class Sha256ApiKeySecrets implements ApiKeySecrets {
  generate(): string {
    return `nsk_${randomBytes(32).toString('base64url')}`;
  }

  hash(key: string): string {
    return createHash('sha256').update(key, 'utf8').digest('hex');
  }
}
