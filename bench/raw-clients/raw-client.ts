import { type MixChannel, mixedRecipient } from '../mixed-events.js';
import type { ProviderFakesClient } from '../provider-fakes-client.js';
import { emailClient } from './email.js';
import { pushClient } from './push.js';
import { smsClient } from './sms.js';
import { webhookClient } from './webhook.js';

/**
 * One channel's request, as the service makes it (same fields, same headers, same pool size:
 * bench/channel-limits.ts), made by a bare client with the library the service uses for that
 * channel and none of its code. `send` resolves once the provider's whole answer is read, and
 * throws on anything but success.
 */
export interface RawClient {
  send(i: number): Promise<void>;
  close(): Promise<void>;
}

/** The raw client of a channel, sending the `i`th message to the `i`th recipient of `tag` (mixed-events.ts). */
export async function rawClient(channel: MixChannel, fakes: ProviderFakesClient, smtpPort: number, tag: string): Promise<RawClient> {
  const to = (i: number) => mixedRecipient(channel, tag, i, (path) => fakes.webhookUrl(path));
  switch (channel) {
    case 'email':
      return emailClient(smtpPort, to);
    case 'sms':
      return smsClient(fakes.env, to);
    case 'push':
      return pushClient(fakes.env, to);
    case 'webhook':
      return webhookClient(fakes.env, to);
  }
}
