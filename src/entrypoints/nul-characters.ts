import { LONE_SURROGATE } from '../adapters/postgres/storable-text.js';

// U+0000, and a UTF-16 surrogate without its pair: valid in a JavaScript string (and so in JSON),
// but PostgreSQL stores neither in text or jsonb.

/** Whether a string holds a character PostgreSQL cannot store. */
export function hasUnstorableCharacter(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/**
 * The path of the first string inside a JSON value that PostgreSQL could not store, or null: such
 * input is refused at the boundary with the field's name instead of failing in the database.
 * It recurses: every caller first refuses JSON nested deeper than MAX_JSON_DEPTH (json-depth.ts).
 */
export function nulPath(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return hasUnstorableCharacter(value) ? path || 'value' : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulPath(item, `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const found = nulPath(key, path ? `${path}.${key}` : key) ?? nulPath(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}
