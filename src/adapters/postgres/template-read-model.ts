import { type Kysely, sql } from 'kysely';
import type { TemplateFilter, TemplateReadModel, TemplateVersionSummary, TemplateVersionView, TemplateView } from '../../application/ports/template-read-model.js';
import type { TemplateDefinition } from '../../domain/template-definition.js';
import type { Database } from './database.js';

export class KyselyTemplateReadModel implements TemplateReadModel {
  constructor(private readonly db: Kysely<Database>) {}

  async list({ channel, page, size }: TemplateFilter): Promise<{ templates: TemplateView[]; total: number }> {
    const rows = await this.live()
      // The live version has a variant for the channel (jsonb containment, no unpacking).
      .$if(channel !== null, (q) => q.where(sql<boolean>`v.definition -> 'variants' @> ${JSON.stringify([{ channel }])}::jsonb`))
      .select(sql<string>`count(*) over ()`.as('total'))
      .orderBy('t.key')
      .limit(size)
      .offset((page - 1) * size)
      .execute();
    return { templates: rows.map(toView), total: rows.length === 0 ? await this.count(channel) : Number(rows[0]?.total) };
  }

  async find(key: string): Promise<TemplateView | null> {
    const row = await this.live().where('t.key', '=', key).executeTakeFirst();
    return row ? toView(row) : null;
  }

  async versions(key: string): Promise<TemplateVersionSummary[]> {
    const rows = await this.db
      .selectFrom('template_versions as v')
      .innerJoin('templates as t', 't.key', 'v.template_key')
      // The description only: a key may hold a thousand versions of a few hundred KiB each.
      .select(['v.version', sql<string>`v.definition ->> 'description'`.as('description'), 'v.created_at', 't.live_version'])
      .where('v.template_key', '=', key)
      .orderBy('v.version', 'desc')
      .execute();
    return rows.map((r) => ({ version: r.version, live: r.version === r.live_version, description: r.description ?? '', createdAt: r.created_at }));
  }

  async version(key: string, version: number): Promise<TemplateVersionView | null> {
    const r = await this.db
      .selectFrom('template_versions as v')
      .innerJoin('templates as t', 't.key', 'v.template_key')
      .select(['v.version', 'v.definition', 'v.created_at', 't.live_version'])
      .where('v.template_key', '=', key)
      .where('v.version', '=', version)
      .executeTakeFirst();
    if (!r) return null;
    const definition = r.definition as TemplateDefinition;
    return { version: r.version, live: r.version === r.live_version, description: definition.description, definition, createdAt: r.created_at };
  }

  private live() {
    return this.db
      .selectFrom('templates as t')
      .innerJoin('template_versions as v', (join) => join.onRef('v.template_key', '=', 't.key').onRef('v.version', '=', 't.live_version'))
      .select(['t.key', 't.built_in', 't.live_version', 't.latest_version', 't.created_at', 't.updated_at', 'v.definition']);
  }

  /** The total when the page asked for is past the end (the window count came back with no row). */
  private async count(channel: string | null): Promise<number> {
    const row = await this.live()
      .$if(channel !== null, (q) => q.where(sql<boolean>`v.definition -> 'variants' @> ${JSON.stringify([{ channel }])}::jsonb`))
      .clearSelect()
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}

type Row = { key: string; built_in: boolean; live_version: number; latest_version: number; created_at: Date; updated_at: Date; definition: unknown };

function toView(r: Row): TemplateView {
  return {
    key: r.key,
    builtIn: r.built_in,
    liveVersion: r.live_version,
    latestVersion: r.latest_version,
    definition: r.definition as TemplateDefinition,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
