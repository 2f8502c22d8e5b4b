import { InvalidValueError } from './errors.js';

/** A profile holds at most this many device tokens (ADR 17: a user's phones, tablets and browsers). */
export const MAX_PUSH_TOKENS = 10;
// FCM registration tokens are URL-safe text (about 160 characters today); no spaces, so a list
// fits one recipient field separated by single spaces.
const TOKEN = /^[\x21-\x7e]{1,4096}$/;

/**
 * The device tokens one push notification goes to: one token for a send that names it, a profile's
 * tokens (at most ten) for a send to a user. Kept in the notification's recipient as the tokens
 * separated by single spaces, so the send reaches the devices known when it was requested.
 */
export const DeviceTokens = {
  of(raw: unknown, field = 'push_tokens'): string[] {
    if (!Array.isArray(raw)) throw new InvalidValueError(field, 'must be an array of device tokens');
    if (raw.length > MAX_PUSH_TOKENS) throw new InvalidValueError(field, `must hold at most ${MAX_PUSH_TOKENS} tokens, got ${raw.length}`);
    const tokens = raw.map((token, i) => DeviceTokens.token(token, `${field}[${i}]`));
    return [...new Set(tokens)];
  },

  token(raw: unknown, field = 'recipient'): string {
    if (typeof raw !== 'string' || !TOKEN.test(raw)) throw new InvalidValueError(field, 'must be a device token: 1 to 4,096 printable ASCII characters, no spaces');
    return raw;
  },

  /** The recipient field for these tokens. */
  format(tokens: readonly string[]): string {
    if (tokens.length === 0) throw new InvalidValueError('push_tokens', 'the recipient has no device tokens');
    return tokens.join(' ');
  },

  /** The tokens of a push notification's recipient field. */
  parse(recipient: string): string[] {
    return recipient.split(' ').filter((token) => token !== '');
  },
};
