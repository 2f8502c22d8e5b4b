import { randomBytes } from 'node:crypto';
import type { SecretGenerator } from '../../application/ports/secret-generator.js';

/** Standard Webhooks secrets: `whsec_` and the base64 of 256 random bits. */
export class RandomSecretGenerator implements SecretGenerator {
  webhookSecret(): string {
    return `whsec_${randomBytes(32).toString('base64')}`;
  }
}
