import { randomUUID } from 'node:crypto';
import type { OutMessage } from './broker.js';
import { PHONE_INDEX_DIGITS } from './util.js';

export const MIX_CHANNELS = ['email', 'sms', 'push', 'webhook'] as const;
export type MixChannel = (typeof MIX_CHANNELS)[number];

export const MIX = 'request.notification with its own subject and body, in rotation to email, sms, push and webhook (25 % each)';

/**
 * The tag of the `seq`th (1 to 9) mixed batch of a run: digits only, since a phone number carries
 * it (`+<tag><index>`, util.ts tagOf); the run id in decimal keeps runs apart.
 */
export function mixedTag(runId: string, seq: number): string {
  if (!Number.isInteger(seq) || seq < 1 || seq > 9) throw new Error(`mixed batch ${seq}: 1 to 9`);
  return `${seq}${String(Number.parseInt(runId, 16)).padStart(5, '0')}`;
}

/** The channel of a batch's `i`th event. */
export function channelOf(i: number): MixChannel {
  return MIX_CHANNELS[i % MIX_CHANNELS.length] ?? 'email';
}

/** The `i`th recipient of a tag on a channel: each recipient names its event, and its tag gives its batch. */
export function mixedRecipient(channel: MixChannel, tag: string, i: number, webhookUrl: (path: string) => string): string {
  switch (channel) {
    case 'email':
      return `${tag}-${i}@bench.example.com`;
    case 'sms':
      if (i >= 10 ** PHONE_INDEX_DIGITS) throw new Error(`a mixed batch holds fewer than ${10 ** PHONE_INDEX_DIGITS} events`);
      return `+${tag}${String(i).padStart(PHONE_INDEX_DIGITS, '0')}`;
    case 'push':
      return `${tag}-${i}`;
    case 'webhook':
      return webhookUrl(`/hooks/${tag}-${i}`);
  }
}

/** The same wording on every channel: short enough for one SMS segment. */
export function mixedContent(i: number): { subject: string; body: string } {
  const order = 100_000 + i;
  return { subject: `Order #${order} shipped`, body: `Your order #${order} has shipped and arrives on Tuesday. Track it at https://shop.example.com/orders/${order}` };
}

/** The `i`th event of a mixed batch: a `request.notification` on its channel, to a recipient of its own. */
export function mixedRequest(tag: string, i: number, webhookUrl: (path: string) => string): OutMessage {
  const channel = channelOf(i);
  const recipient = mixedRecipient(channel, tag, i, webhookUrl);
  const eventId = randomUUID();
  const body = { event_id: eventId, channel, recipient, content: mixedContent(i) };
  return { routingKey: 'request.notification', messageId: eventId, recipient, body: Buffer.from(JSON.stringify(body)) };
}

/** The channel a bench recipient of mixedRecipient belongs to. */
export function channelOfRecipient(recipient: string): MixChannel {
  if (recipient.includes('@')) return 'email';
  if (recipient.startsWith('+')) return 'sms';
  return /^https?:/.test(recipient) ? 'webhook' : 'push';
}
