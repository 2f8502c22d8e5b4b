import type { Kysely } from 'kysely';
import type { TemplateCatalogue, TemplateRelease } from '../../application/ports/template-catalogue.js';
import type { TemplateDefinition } from '../../domain/template-definition.js';
import type { Database } from './database.js';

export interface CatalogueSettings {
  /** How old a live version may be when served from memory: a publish reaches every instance within this. */
  readonly liveForMs: number;
  /** Keys and versions held in memory at most (oldest dropped first): a flood of unknown keys cannot grow it. */
  readonly maxEntries: number;
}

interface LiveEntry {
  readonly at: number;
  readonly release: Promise<TemplateRelease | null>;
}

/**
 * The templates as notifications are requested and rendered, read from the primary without locks
 * (a template created a moment ago is found). The live version of a key is re-read once it is
 * older than `liveForMs`; concurrent lookups of a key share one query. Versions never change, so
 * they are kept until crowded out.
 */
export class CachedTemplateCatalogue implements TemplateCatalogue {
  private readonly liveByKey = new Map<string, LiveEntry>();
  /** Keys no template had, and when: kept apart, so a flood of unknown keys cannot crowd out known ones. */
  private readonly missing = new Map<string, number>();
  private readonly versions = new Map<string, Promise<TemplateRelease | null>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: CatalogueSettings,
    private readonly now: () => number = Date.now,
  ) {}

  live(key: string): Promise<TemplateRelease | null> {
    const fresh = (at: number | undefined) => at !== undefined && this.now() - at < this.settings.liveForMs;
    if (fresh(this.missing.get(key))) return Promise.resolve(null);
    const cached = this.liveByKey.get(key);
    if (cached && fresh(cached.at)) return cached.release;
    const at = this.now();
    const release = this.query(key, null);
    remember(this.liveByKey, key, { at, release }, this.settings.maxEntries);
    const forget = () => this.liveByKey.get(key)?.release === release && this.liveByKey.delete(key);
    release.then((found) => found === null && forget() && remember(this.missing, key, at, this.settings.maxEntries), forget);
    return release;
  }

  version(key: string, version: number): Promise<TemplateRelease | null> {
    const id = `${key}@${version}`;
    const cached = this.versions.get(id);
    if (cached) return cached;
    const release = this.query(key, version);
    remember(this.versions, id, release, this.settings.maxEntries);
    // Neither a failed read nor a version not there (yet) is kept.
    release.then((r) => r === null && this.versions.delete(id), () => this.versions.delete(id));
    return release;
  }

  private async query(key: string, version: number | null): Promise<TemplateRelease | null> {
    const row = await this.db
      .selectFrom('templates as t')
      .innerJoin('template_versions as v', (join) => join.onRef('v.template_key', '=', 't.key'))
      .select(['v.version', 'v.definition'])
      .where('t.key', '=', key)
      .$call((q) => (version === null ? q.whereRef('v.version', '=', 't.live_version') : q.where('v.version', '=', version)))
      .executeTakeFirst();
    return row ? { key, version: row.version, definition: row.definition as TemplateDefinition } : null;
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as string);
}
