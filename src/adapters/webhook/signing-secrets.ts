import type { OutgoingMessage } from '../../application/ports/channel-sender.js';
import type { SendOutcome } from '../../domain/send-outcome.js';
import { isWebhookSecret } from './webhook-settings.js';

/** The secrets that sign a message: the endpoint's current and, during a rotation, previous one. */
export type SigningSecrets = (message: OutgoingMessage) => Promise<readonly string[]>;

export type SecretsFound = { readonly ok: true; readonly secrets: readonly string[] } | { readonly ok: false; readonly outcome: SendOutcome };

/**
 * The message's signing secrets, or why it cannot be signed. No secret, or a malformed one, is
 * permanent (an unsigned webhook is never sent). Secrets that cannot be read (a profile's live in
 * the database) defer the send like an outage: nothing was sent, no attempt is used.
 */
export async function secretsFor(signingSecrets: SigningSecrets, message: OutgoingMessage): Promise<SecretsFound> {
  let secrets: readonly string[];
  try {
    secrets = await signingSecrets(message);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const outcome: SendOutcome = { kind: 'provider_down', error: `cannot read the endpoint's signing secrets: ${why}`, response: null, attempted: false, configurationFault: false };
    return { ok: false, outcome };
  }
  if (secrets.length === 0) return refused('no signing secret for this webhook endpoint');
  if (!secrets.every(isWebhookSecret)) return refused('a signing secret of this endpoint is not whsec_ and the base64 of at least 24 bytes');
  return { ok: true, secrets };
}

function refused(error: string): SecretsFound {
  return { ok: false, outcome: { kind: 'permanent', error, response: null } };
}
