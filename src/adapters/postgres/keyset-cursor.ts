import { InvalidValueError } from '../../domain/errors.js';
import { isUuid } from './uuid.js';

/**
 * Where a page newest first (created_at, then id) stopped: the next page starts after it. Exact only
 * for columns stored to the millisecond, as a JavaScript Date holds them.
 */
export interface KeysetCursor {
  readonly createdAt: Date;
  readonly id: string;
}

// Exactly what toISOString writes for years 0000-9999, all of which PostgreSQL stores. Anything
// else (year 275760, or one before 4713 BC, which it refuses) is no cursor of ours: a 400, not a
// query that fails with "timestamp out of range".
const ISSUED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function encodeCursor({ createdAt, id }: KeysetCursor): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): KeysetCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && ISSUED_AT.test(at) && typeof id === 'string' && isUuid(id)) {
      // The round trip refuses dates that do not exist (2026-02-30): toISOString throws or differs.
      const createdAt = new Date(at);
      if (createdAt.toISOString() === at) return { createdAt, id };
    }
  } catch {
    // falls through to the error below
  }
  throw new InvalidValueError('cursor', 'is not a cursor this service issued');
}
