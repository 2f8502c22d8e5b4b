import type { OutgoingMessage, RenderedFor } from '../../application/ports/channel-sender.js';
import { DeviceTokens } from '../../domain/device-tokens.js';

/**
 * FCM's limit on a message's payload (the notification's texts and the data's keys and values).
 * Checked before sending because FCM refuses an oversized message with a bare 400
 * INVALID_ARGUMENT naming no field, the very answer that marks a malformed token: sent, it would
 * make every token of the recipient look dead.
 */
export const MAX_PAYLOAD_BYTES = 4_096;

export type PushContent = RenderedFor<'push'>;

/**
 * The `data` keys FCM reserves: "from", "message_type", and any key starting with "google." or
 * "gcm." (FCM's message-types guide; "notification", which only the legacy API listed, is accepted
 * by HTTP v1). FCM refuses them with the same bare INVALID_ARGUMENT, and template variables can
 * name data keys. Compared without case: refusing a harmless "From" costs one notification.
 */
const RESERVED_DATA_KEY = /^(from|message_type)$|^(google|gcm)\./i;

/** The message's device tokens and content, or why it must not be sent at all. */
export function pushOf(message: OutgoingMessage): { tokens: string[]; content: PushContent } | { refusal: string } {
  const { content } = message;
  if (content.channel !== 'push') return { refusal: `no push content (got ${content.channel})` };
  const tokens = [...new Set(DeviceTokens.parse(message.recipient))];
  if (tokens.length === 0) return { refusal: 'the recipient holds no device token' };
  const bytes = payloadBytes(content);
  if (bytes > MAX_PAYLOAD_BYTES) return { refusal: `the push payload is ${bytes} bytes, over FCM's ${MAX_PAYLOAD_BYTES}-byte limit` };
  const reserved = Object.keys(content.data).find((key) => RESERVED_DATA_KEY.test(key));
  if (reserved !== undefined) return { refusal: `the push data key ${JSON.stringify(reserved.slice(0, 60))} is reserved by FCM (from, message_type, google.*, gcm.*)` };
  return { tokens, content };
}

/** The FCM v1 send request's body for one token: only the fields the channel renders. */
export function fcmMessageJson(token: string, content: PushContent): string {
  return JSON.stringify({ message: { token, notification: { title: content.title, body: content.body }, data: { ...content.data } } });
}

function payloadBytes(content: PushContent): number {
  const texts = [content.title, content.body, ...Object.entries(content.data).flat()];
  return texts.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0);
}
