import type { AuditEntry } from '../../domain/audit.js';

/** Appends to the audit log inside the unit of work's transaction (the action and its record commit together). */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}
