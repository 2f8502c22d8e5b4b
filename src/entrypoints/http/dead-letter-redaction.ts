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

/** A colon, and the blanks about it: what follows a member's key. */
const COLON = /\s*:\s*/y;
const SCALAR_END = /[,{}[\]\s"]/g;

/** Where the string literal that opens at `at` ends: past its closing quote, or the text's end when cut short. */
function stringEnd(text: string, at: number): number {
  for (let i = at + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

/** Where a table or list that opens at `at` closes, with all it holds; the text's end when cut short. */
function nestedEnd(text: string, at: number): number {
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = stringEnd(text, i) - 1;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return i + 1;
  }
  return text.length;
}

/** Where the value that starts at `at` ends: a string, a table or list, or a scalar. */
function valueEnd(text: string, at: number): number {
  if (text[at] === '"') return stringEnd(text, at);
  if (text[at] === '{' || text[at] === '[') return nestedEnd(text, at);
  SCALAR_END.lastIndex = at;
  return SCALAR_END.exec(text)?.index ?? text.length;
}

/** Where the value of a member whose key ends at `at` starts; -1 when no colon follows: not a key. */
function valueStart(text: string, at: number): number {
  COLON.lastIndex = at;
  return COLON.test(text) ? COLON.lastIndex : -1;
}

function isSecretLiteral(literal: string): boolean {
  try {
    const name: unknown = JSON.parse(literal);
    return typeof name === 'string' && isSecretKey(name);
  } catch {
    return false;
  }
}

/**
 * JSON text that may be cut short (a list's first 2 KiB of a body) or malformed (a dead letter
 * `unparseable`), not parsed: every member whose key is a secret's gets its value, string, scalar,
 * table or list, replaced, as redacted() replaces it in parsed JSON. One pass, strings read from
 * the left as JSON reads them: what a string holds is never taken for a member.
 */
export function redactedText(text: string): string {
  let shown = '';
  let from = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i)) {
    const end = stringEnd(text, i);
    const value = valueStart(text, end);
    if (value !== -1 && isSecretLiteral(text.slice(i, end))) {
      shown += `${text.slice(from, value)}"${REDACTED}"`;
      from = valueEnd(text, value);
      i = from;
    } else {
      i = end;
    }
  }
  return shown + text.slice(from);
}
