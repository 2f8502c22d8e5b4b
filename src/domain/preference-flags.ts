import { InvalidValueError } from './errors.js';
import type { PreferenceFlags } from './events.js';
import { BUILT_IN_TYPES, type BuiltInType, NotificationType } from './notification-type.js';

/** Every built-in type is on unless the user turned it off (types created over REST are always on). */
export function preferenceFlags(raw: Readonly<Record<string, unknown>> = {}): PreferenceFlags {
  const flags = Object.fromEntries(BUILT_IN_TYPES.map((type) => [type, true])) as Record<BuiltInType, boolean>;
  for (const [key, value] of Object.entries(raw)) {
    const field = `preferences.${key}`;
    if (!NotificationType.isBuiltIn(key)) throw new InvalidValueError(field, `must be one of ${BUILT_IN_TYPES.join(', ')}`);
    if (typeof value !== 'boolean') throw new InvalidValueError(field, 'must be true or false');
    flags[key] = value;
  }
  return flags;
}

/**
 * Stored flags completed with defaults: a type added after the row was written is on, not
 * silently off; a flag for a type that no longer exists is dropped.
 */
export function storedFlags(stored: Readonly<Record<string, unknown>>): PreferenceFlags {
  return Object.fromEntries(BUILT_IN_TYPES.map((type) => [type, stored[type] !== false])) as Record<BuiltInType, boolean>;
}

export function sameFlags(a: PreferenceFlags, b: PreferenceFlags): boolean {
  return BUILT_IN_TYPES.every((type) => a[type] === b[type]);
}
