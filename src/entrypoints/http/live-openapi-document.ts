import type { TemplateView } from '../../application/ports/template-read-model.js';
import type { TemplatesQuery } from '../../application/queries/templates.query.js';
import { type OpenApiDocument, withVariables } from './openapi.js';
import { variablesSchemas } from './variables-schemas.js';

/** How long a generated document is served before the templates are read again. */
export const LIVE_DOCUMENT_TTL_MS = 2_000;
const PAGE_SIZE = 100;
/** A generation under way counts as fresh for this long (it is never started twice at once). */
const PENDING = 60_000;

/**
 * The OpenAPI document as it stands now: templates are data created at run time, so their
 * variables are read from the live definitions when the document is asked for. One generation
 * is shared by the requests of the next LIVE_DOCUMENT_TTL_MS, so a busy /openapi.json costs one
 * read every two seconds; a failed read is not kept.
 */
export class LiveOpenApiDocument {
  private cached: { readonly at: number; readonly document: Promise<OpenApiDocument> } | null = null;

  constructor(
    private readonly routes: OpenApiDocument,
    private readonly templates: Pick<TemplatesQuery, 'list'>,
    private readonly now: () => number = Date.now,
  ) {}

  current(): Promise<OpenApiDocument> {
    if (this.cached && this.now() - this.cached.at < LIVE_DOCUMENT_TTL_MS) return this.cached.document;
    const document = this.generate();
    // Served while it is generated (one generation at a time, however slow), then for the TTL.
    this.cached = { at: this.now() + PENDING, document };
    document.then(
      () => this.cached?.document === document && (this.cached = { at: this.now(), document }),
      () => this.cached?.document === document && (this.cached = null),
    );
    return document;
  }

  private async generate(): Promise<OpenApiDocument> {
    return withVariables(this.routes, variablesSchemas(await this.allTemplates()));
  }

  private async allTemplates(): Promise<TemplateView[]> {
    const all: TemplateView[] = [];
    for (let page = 1; ; page++) {
      const { templates, total } = await this.templates.list({ channel: null, page, size: PAGE_SIZE });
      all.push(...templates);
      if (templates.length < PAGE_SIZE || all.length >= total) return all;
    }
  }
}
