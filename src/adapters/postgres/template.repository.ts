import type { Kysely } from 'kysely';
import type { TemplateRepository } from '../../application/ports/repositories.js';
import type { AggregateTracker } from '../../application/ports/unit-of-work.js';
import { ConcurrentModificationError, TemplateAlreadyExistsError } from '../../domain/errors.js';
import { Template, type TemplateVersion } from '../../domain/template.js';
import type { Database } from './database.js';
import { isUniqueViolation } from './pool.js';

export class KyselyTemplateRepository implements TemplateRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly tracker: AggregateTracker,
  ) {}

  async get(key: string): Promise<Template | null> {
    const row = await this.db.selectFrom('templates').selectAll().where('key', '=', key).forUpdate().executeTakeFirst();
    if (!row) return null;
    return this.tracker.seen(
      Template.restore({
        key: row.key,
        builtIn: row.built_in,
        liveVersion: row.live_version,
        latestVersion: row.latest_version,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      }),
    );
  }

  async add(template: Template): Promise<void> {
    const s = template.snapshot();
    const row = { key: s.key, built_in: s.builtIn, live_version: s.liveVersion, latest_version: s.latestVersion, created_at: s.createdAt, updated_at: s.updatedAt };
    try {
      await this.db.insertInto('templates').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error, 'templates_pkey')) throw new TemplateAlreadyExistsError(s.key);
      throw error;
    }
    await this.insertVersions(template.newVersions());
    this.tracker.seen(template);
  }

  async save(template: Template): Promise<void> {
    const s = template.snapshot();
    await this.insertVersions(template.newVersions());
    await this.db
      .updateTable('templates')
      .set({ live_version: s.liveVersion, latest_version: s.latestVersion, updated_at: s.updatedAt })
      .where('key', '=', s.key)
      .execute();
    this.tracker.seen(template);
  }

  /** Versions are only ever inserted; the same number twice means another save won the race. */
  private async insertVersions(versions: readonly TemplateVersion[]): Promise<void> {
    if (versions.length === 0) return;
    const rows = versions.map((v) => ({ template_key: v.key, version: v.version, definition: JSON.stringify(v.definition), created_at: v.createdAt }));
    try {
      await this.db.insertInto('template_versions').values(rows).execute();
    } catch (error) {
      if (isUniqueViolation(error, 'template_versions_pkey')) throw new ConcurrentModificationError(`template ${versions[0]?.key} got a new version meanwhile`);
      throw error;
    }
  }
}
