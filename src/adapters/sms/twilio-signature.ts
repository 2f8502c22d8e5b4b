import { createHmac, timingSafeEqual } from 'node:crypto';

/** The POST parameters of a request Twilio signs; a repeated name carries each of its values. */
export type SignedParams = Readonly<Record<string, string | readonly string[]>>;

/**
 * Twilio's `X-Twilio-Signature`: base64 of HMAC-SHA1, keyed with the auth token, over the full URL
 * Twilio called (scheme, host, path, query) followed by every POST parameter as name then value,
 * sorted by name, with no separators. A repeated name's distinct values are taken in sorted order,
 * as Twilio's own helper libraries verify them.
 */
export function twilioSignature(authToken: string, url: string, params: SignedParams): string {
  const hmac = createHmac('sha1', authToken);
  hmac.update(url, 'utf8');
  for (const name of Object.keys(params).sort()) {
    const value = params[name] ?? '';
    const values = typeof value === 'string' ? [value] : [...new Set(value)].sort();
    for (const each of values) hmac.update(name + each, 'utf8');
  }
  return hmac.digest('base64');
}

/**
 * Whether `header` is Twilio's signature of the request. The URL must be the public one Twilio
 * called (SMS_STATUS_CALLBACK_URL), not the one a proxy handed on. Compared in constant time, so
 * the answer's timing says nothing about how much of a forged signature was right.
 */
export function verifyTwilioSignature(authToken: string, url: string, params: SignedParams, header: string | undefined): boolean {
  if (header === undefined || header === '' || authToken === '') return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params), 'utf8');
  const given = Buffer.from(header.trim(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
