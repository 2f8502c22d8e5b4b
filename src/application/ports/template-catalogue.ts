import type { TemplateDefinition } from '../../domain/template-definition.js';

/** One version of a type's template, as notifications render with it. */
export interface TemplateRelease {
  readonly key: string;
  readonly version: number;
  readonly definition: TemplateDefinition;
}

/**
 * What requesting and rendering read of the templates, without locking them. `live` may be up to a
 * second old (a publish reaches every instance within that); versions never change once saved.
 */
export interface TemplateCatalogue {
  /** The live version of the type's template; null when no template has the key. */
  live(key: string): Promise<TemplateRelease | null>;
  /** That version; null when it does not exist. */
  version(key: string, version: number): Promise<TemplateRelease | null>;
}

/** Every problem with a send's variables against what its template declares; empty when they fit. */
export type VariablesCheck = (
  declared: TemplateDefinition['variables'],
  values: Readonly<Record<string, unknown>>,
) => ReadonlyArray<{ readonly variable: string; readonly message: string }>;
