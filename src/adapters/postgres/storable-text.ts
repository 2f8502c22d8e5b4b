/**
 * U+0000, and a UTF-16 surrogate without its pair: valid in a JavaScript string (JSON.stringify
 * writes the surrogate as an escape), but PostgreSQL stores neither in text nor in jsonb.
 */
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const UNSTORABLE = new RegExp(`\u0000|${LONE_SURROGATE}`);
const EVERY_UNSTORABLE = new RegExp(UNSTORABLE.source, 'g');

/** Whether a string holds a character PostgreSQL cannot store. */
export function hasUnstorableCharacter(text: string): boolean {
  return UNSTORABLE.test(text);
}

/**
 * Text from outside (a provider's reply, an error message cut to a length) made storable: each
 * character PostgreSQL would refuse becomes U+FFFD, so recording an outcome cannot fail on it.
 */
export function storableText(text: string): string;
export function storableText(text: string | null): string | null;
export function storableText(text: string | null): string | null {
  return text === null ? null : text.replace(EVERY_UNSTORABLE, '\ufffd');
}
