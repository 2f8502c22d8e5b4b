import { type Kysely, type Selectable, sql } from 'kysely';
import type { AuditFilter, AuditPage, AuditPosition, AuditReadModel, AuditRecord } from '../../application/ports/audit-read-model.js';
import type { AuditAction } from '../../domain/audit.js';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor.js';
import type { AuditLogTable, Database } from './database.js';
import type { ReadRouter } from './read-router.js';

/**
 * The audit log newest first, from the standby while it keeps up (ReadRouter). Each filter has an
 * index led by its column and ordered (at desc, id desc) (migrations 20261129T0900, and
 * 20261129T0980 for target_type, free text): a page reads only its own rows, however large the log
 * and however rare the value asked for.
 */
export class KyselyAuditReadModel implements AuditReadModel {
  constructor(private readonly router: ReadRouter) {}

  // async: a cursor it did not issue rejects the promise, as the port says, never throws before it.
  async page(filter: AuditFilter, position: AuditPosition, size: number): Promise<AuditPage> {
    const after = 'cursor' in position ? decodeAuditCursor(position.cursor) : null;
    return this.router.read(async (db) => {
      let query = matching(db, filter).selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(size + 1);
      if (after) query = query.where(sql<boolean>`(at, id) < (${after.at}, ${after.id}::bigint)`);
      if ('page' in position) query = query.offset((position.page - 1) * size);
      const rows = await query.execute();
      const entries = rows.slice(0, size).map(recordOf);
      const last = entries.at(-1);
      return { entries, nextCursor: rows.length > size && last ? encodeAuditCursor({ at: last.at, id: last.id }) : null };
    });
  }
}

function matching(db: Kysely<Database>, f: AuditFilter) {
  let query = db.selectFrom('audit_log');
  if (f.action !== null) query = query.where('action', '=', f.action);
  if (f.keyId !== null) query = query.where('key_id', '=', f.keyId);
  if (f.targetType !== null) query = query.where('target_type', '=', f.targetType);
  if (f.targetId !== null) query = query.where('target_id', '=', f.targetId);
  if (f.from !== null) query = query.where('at', '>=', f.from);
  if (f.to !== null) query = query.where('at', '<', f.to);
  return query;
}

function recordOf(row: Selectable<AuditLogTable>): AuditRecord {
  const target = { type: row.target_type, id: row.target_id, ...(row.detail === null ? {} : { detail: row.detail }) };
  // Only AUDIT_ACTIONS are ever written (AuditLog.record takes an AuditAction).
  return { id: String(row.id), at: row.at, keyId: row.key_id, action: row.action as AuditAction, target };
}
