import type { Kysely } from 'kysely';
import type { ApiKeyRecord, ApiKeyRepository } from '../../application/ports/repositories.js';
import type { ApiKeyScope } from '../../domain/api-key-scope.js';
import type { Database } from './database.js';

export class KyselyApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async add(record: ApiKeyRecord): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: record.id,
        name: record.name,
        key_hash: record.keyHash,
        scopes: [...record.scopes],
        created_at: record.createdAt,
      })
      .execute();
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }
}

/** Looks up live keys on the primary: a revocation must take effect at once. */
export class KyselyApiKeyLookup {
  constructor(private readonly primary: Kysely<Database>) {}

  async keyOf(keyHash: string): Promise<{ id: string; scopes: readonly ApiKeyScope[] } | null> {
    const row = await this.primary
      .selectFrom('api_keys')
      .select(['id', 'scopes'])
      .where('key_hash', '=', keyHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row ? { id: row.id, scopes: row.scopes as ApiKeyScope[] } : null;
  }

  /** One query for all of them (ids are the keys' UUIDs). */
  async liveIds(ids: readonly string[]): Promise<ReadonlySet<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.primary.selectFrom('api_keys').select('id').where('id', 'in', [...ids]).where('revoked_at', 'is', null).execute();
    return new Set(rows.map((r) => r.id));
  }
}
