import type { AuditAction, AuditEntry } from '../../domain/audit.js';

/** Which entries to list; null: any. `from` is inclusive, `to` exclusive. */
export interface AuditFilter {
  readonly action: AuditAction | null;
  readonly keyId: string | null;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly from: Date | null;
  readonly to: Date | null;
}

/** An entry as it is read back, with its id (ids grow with time; `at` orders first). */
export interface AuditRecord extends AuditEntry {
  readonly id: string;
}

/** Where a page starts: a page number (from 1), or a cursor a previous page answered. */
export type AuditPosition = { readonly page: number } | { readonly cursor: string };

export interface AuditPage {
  readonly entries: readonly AuditRecord[];
  /** The page after this one, whichever way this one was asked for; null on the last. */
  readonly nextCursor: string | null;
}

/** Read side of the audit log: may be served by the standby, so it may lag the primary by the configured bound. */
export interface AuditReadModel {
  /** Newest first (at, then id). Throws InvalidValueError('cursor') for a cursor it did not issue. */
  page(filter: AuditFilter, position: AuditPosition, size: number): Promise<AuditPage>;
}
