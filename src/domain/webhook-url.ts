import { InvalidValueError } from './errors.js';

export const MAX_WEBHOOK_URL_LENGTH = 2048;
// The URL parser drops tabs and line breaks silently: refused before parsing, so what is stored is
// what was sent.
const UNPRINTABLE = /[\s\p{C}]/u;

/**
 * A recipient's webhook endpoint as written: http or https, a host, no credentials (they would be
 * sent in clear to every redirect-free POST and shown in logs). Whether the host is a public
 * address is a DNS question, answered by the application's WebhookUrlPolicy.
 */
export class WebhookUrl {
  private constructor(readonly value: string) {}

  static of(raw: unknown, field = 'webhook_url'): WebhookUrl {
    if (typeof raw !== 'string') throw new InvalidValueError(field, 'must be a string');
    if (raw.length > MAX_WEBHOOK_URL_LENGTH) throw new InvalidValueError(field, `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
    if (UNPRINTABLE.test(raw)) throw new InvalidValueError(field, 'must not contain spaces or control characters');
    const url = URL.canParse(raw) ? new URL(raw) : null;
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new InvalidValueError(field, 'must be an http:// or https:// URL');
    if (url.hostname === '') throw new InvalidValueError(field, 'must name a host');
    if (url.username !== '' || url.password !== '') throw new InvalidValueError(field, 'must not hold credentials (user:password@)');
    if (url.href.length > MAX_WEBHOOK_URL_LENGTH) throw new InvalidValueError(field, `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
    return new WebhookUrl(url.href);
  }

  equals(other: WebhookUrl): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }
}
