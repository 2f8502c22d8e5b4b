import { redacted, redactedText } from './dead-letter-redaction.js';

/** A dead letter's body as the API shows it: text, or base64 when it is not UTF-8. */
export interface ShownBody {
  readonly body: string;
  readonly body_encoding: 'utf8' | 'base64';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A whole body that is JSON: parsed and its secrets redacted, else null. */
function redactedJson(text: string): string | null {
  try {
    const shown = redacted(JSON.parse(text));
    return shown.changed ? JSON.stringify(shown.value) : text;
  } catch {
    // Not JSON, or nested deeper than a walk goes: redacted as text.
    return null;
  }
}

/** `bytes` as UTF-8 text; a preview may end in a character cut short (up to 3 of its bytes), left out. */
function decoded(bytes: Uint8Array, complete: boolean): string | null {
  for (let cut = 0; cut <= (complete ? 0 : 3) && cut <= bytes.length; cut++) {
    try {
      return utf8.decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      // Not UTF-8, or a character cut at the end: try without its bytes.
    }
  }
  return null;
}

/**
 * Bytes that are not UTF-8 (a Latin-1 byte in a password reset), secrets redacted all the same:
 * read one character per byte, the quotes, colons and key names of JSON are where they were.
 */
function redactedBytes(bytes: Uint8Array): Buffer {
  return Buffer.from(redactedText(Buffer.from(bytes).toString('latin1')), 'latin1');
}

/**
 * What the API shows of a body, whole or its first bytes (a list's preview), every way with the
 * values of secret keys replaced (docs/adr/0024-dead-letters-as-rows.md): a whole JSON body parsed
 * and redacted; other UTF-8 text (JSON cut short or malformed, or no JSON) redacted as text; bytes
 * that are not UTF-8 redacted as text of one character per byte, and shown as base64.
 */
export function shownBody(bytes: Uint8Array, complete: boolean): ShownBody {
  const text = decoded(bytes, complete);
  if (text === null) return { body: redactedBytes(bytes).toString('base64'), body_encoding: 'base64' };
  return { body: (complete ? redactedJson(text) : null) ?? redactedText(text), body_encoding: 'utf8' };
}
