import { hasUnstorableCharacter } from '../adapters/postgres/storable-text.js';

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
