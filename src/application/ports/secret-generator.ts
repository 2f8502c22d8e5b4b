/** Makes secrets shown to their owner once. */
export interface SecretGenerator {
  /** A webhook endpoint's signing secret: `whsec_` and the base64 of 32 random bytes (Standard Webhooks). */
  webhookSecret(): string;
}
