import type { TemplateDefinition } from '../../domain/template-definition.js';

export interface TemplateView {
  readonly key: string;
  readonly builtIn: boolean;
  readonly liveVersion: number;
  readonly latestVersion: number;
  /** The live version's definition. */
  readonly definition: TemplateDefinition;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface TemplateVersionSummary {
  readonly version: number;
  readonly live: boolean;
  readonly description: string;
  readonly createdAt: Date;
}

export interface TemplateVersionView extends TemplateVersionSummary {
  readonly definition: TemplateDefinition;
}

export interface TemplateFilter {
  /** Only templates whose live version has a variant for this channel. */
  readonly channel: string | null;
  readonly page: number;
  readonly size: number;
}

/** Templates as admins list and inspect them, read from the primary (a save is seen at once). */
export interface TemplateReadModel {
  list(filter: TemplateFilter): Promise<{ readonly templates: readonly TemplateView[]; readonly total: number }>;
  find(key: string): Promise<TemplateView | null>;
  /** Newest first, without their texts; empty when no template has the key. */
  versions(key: string): Promise<readonly TemplateVersionSummary[]>;
  version(key: string, version: number): Promise<TemplateVersionView | null>;
}
