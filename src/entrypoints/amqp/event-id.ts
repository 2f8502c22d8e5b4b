import { hasUnstorableCharacter } from '../../adapters/postgres/storable-text.js';

/** An AMQP message id is a short string of at most 255 bytes, so every one fits; a body event_id gets the same bound. */
export const MAX_EVENT_ID_LENGTH = 255;

/** Where an id may come from, in the order the README gives: the field a refusal names, and its value. */
export type IdCandidate = readonly [field: 'event_id' | 'message_id', value: unknown];

export type EventIdOf = { readonly ok: true; readonly eventId: string | undefined } | { readonly ok: false; readonly detail: string };

const isGiven = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

function fault(field: string, id: string): string | null {
  if (hasUnstorableCharacter(id)) return `${field}: must not contain NUL characters or unpaired surrogates`;
  if (id.length > MAX_EVENT_ID_LENGTH) return `${field}: must be at most ${MAX_EVENT_ID_LENGTH} characters, not ${id.length}`;
  return null;
}

/**
 * The de-duplication key: the first id given (undefined: none, the caller hashes the body). It is
 * stored as it came, so every id the event carries is checked, and a bad one refuses the event:
 * PostgreSQL cannot store a NUL or an unpaired surrogate, and cutting a long id could split a
 * surrogate pair or make two events' ids one.
 */
export function eventIdOf(candidates: readonly IdCandidate[]): EventIdOf {
  const given = candidates.filter((c): c is readonly [IdCandidate[0], string] => isGiven(c[1]));
  for (const [field, id] of given) {
    const detail = fault(field, id);
    if (detail) return { ok: false, detail };
  }
  return { ok: true, eventId: given[0]?.[1] };
}
