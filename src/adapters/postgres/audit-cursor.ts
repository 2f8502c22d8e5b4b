import { InvalidValueError } from '../../domain/errors.js';

/** Where a page of the audit log, newest first (at, then id), stopped. */
export interface AuditCursor {
  readonly at: Date;
  /** audit_log.id: a bigint, as its decimal digits. */
  readonly id: string;
}

// As toISOString writes it (keyset-cursor.ts): anything else is no cursor of ours, a 400.
const ISSUED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BIGINT = /^[1-9]\d{0,17}$/;

export function encodeAuditCursor({ at, id }: AuditCursor): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeAuditCursor(cursor: string): AuditCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && ISSUED_AT.test(at) && typeof id === 'string' && BIGINT.test(id)) {
      const date = new Date(at);
      if (date.toISOString() === at) return { at: date, id };
    }
  } catch {
    // falls through to the error below
  }
  throw new InvalidValueError('cursor', 'is not a cursor this service issued');
}
