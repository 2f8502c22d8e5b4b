import type { Kysely } from 'kysely';
import type { AuditEntry } from '../../domain/audit.js';
import type { AuditLog } from '../../application/ports/audit-log.js';
import type { Database } from './database.js';

export class KyselyAuditLog implements AuditLog {
  constructor(private readonly db: Kysely<Database>) {}

  async record({ action, keyId, target, at }: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        at,
        key_id: keyId,
        action,
        target_type: target.type,
        target_id: target.id,
        detail: target.detail === undefined ? null : JSON.stringify(target.detail),
      })
      .execute();
  }
}
