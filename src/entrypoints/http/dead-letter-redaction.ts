/**
 * What the API shows of a dead letter's JSON hides one-time secrets: a dead-lettered
 * user.password_reset_requested keeps its reset_token in the stored bytes (a replay publishes
 * them as they were), never in GET /dead-letters or the console (docs/adr/0024-dead-letters-as-rows.md).
 */
export const REDACTED = '[redacted]';

/** Keys named like a secret template variable (verify_token, reset_token) or any other secret. */
const SECRET_KEY = /(^|[_\-.])(token|secret|password|passwd)$/i;

export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key);

/** A parsed JSON value with every secret key's value replaced; `changed` says whether any was. */
export function redacted(value: unknown): { readonly value: unknown; readonly changed: boolean } {
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v).map(([key, inner]) => {
        if (!isSecretKey(key)) return [key, walk(inner)];
        changed = true;
        return [key, REDACTED];
      }),
    );
  };
  return { value: walk(value), changed };
}

/** A JSON string literal, a colon, and the value after it: a string (perhaps cut short), or a scalar. */
const MEMBER = /("(?:[^"\\]|\\.)*")(\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,{}[\]\s"]+)/g;

/**
 * JSON text that may be cut short (a list's first 2 KiB of a body), not parsed: every member whose
 * key is a secret's gets its value replaced. An object or array under such a key keeps its contents.
 */
export function redactedText(text: string): string {
  return text.replace(MEMBER, (whole, key: string, colon: string) => {
    let name: unknown;
    try {
      name = JSON.parse(key);
    } catch {
      return whole;
    }
    return typeof name === 'string' && isSecretKey(name) ? `${key}${colon}"${REDACTED}"` : whole;
  });
}
