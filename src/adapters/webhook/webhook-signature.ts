import { Webhook } from 'standardwebhooks';

export interface SignatureHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/**
 * The Standard Webhooks headers for one attempt: `v1,` and the base64 HMAC-SHA256 of
 * `id.timestamp.body` for each secret, space-separated, so that during a rotation a receiver
 * holding either the new or the previous secret verifies it. The signing is the reference
 * library's own (`standardwebhooks`), so our bytes are what its verify expects. The timestamp is
 * the attempt's: receivers refuse one more than five minutes old, so a resend is signed anew.
 */
export function signatureHeaders(id: string, sentAt: Date, body: string, secrets: readonly string[]): SignatureHeaders {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(id, sentAt, body));
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
