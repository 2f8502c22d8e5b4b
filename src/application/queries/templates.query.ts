import { TemplateNotFoundError, TemplateVersionNotFoundError } from '../../domain/errors.js';
import type { RenderedContent } from '../ports/channel-sender.js';
import type { NotificationRenderer, PreviewRequest } from '../ports/notification-renderer.js';
import type { TemplateCatalogue, TemplateRelease, VariablesCheck } from '../ports/template-catalogue.js';
import type { TemplateFilter, TemplateReadModel, TemplateVersionSummary, TemplateVersionView, TemplateView } from '../ports/template-read-model.js';
import { variablesChecked } from '../templates/release-for.js';

export interface TemplatePreview extends PreviewRequest {
  /** null: the live version. */
  readonly version: number | null;
}

/** Templates for admins: list, inspect, and render one without sending (a preview). */
export class TemplatesQuery {
  constructor(
    private readonly readModel: TemplateReadModel,
    private readonly catalogue: TemplateCatalogue,
    private readonly renderer: NotificationRenderer,
    private readonly checkVariables: VariablesCheck,
  ) {}

  list(filter: TemplateFilter): Promise<{ readonly templates: readonly TemplateView[]; readonly total: number }> {
    return this.readModel.list(filter);
  }

  async find(key: string): Promise<TemplateView> {
    const found = await this.readModel.find(key);
    if (!found) throw new TemplateNotFoundError(key);
    return found;
  }

  async versions(key: string): Promise<readonly TemplateVersionSummary[]> {
    const versions = await this.readModel.versions(key);
    if (versions.length === 0) throw new TemplateNotFoundError(key);
    return versions;
  }

  async version(key: string, version: number): Promise<TemplateVersionView> {
    const found = await this.readModel.version(key, version);
    if (found) return found;
    if (!(await this.readModel.find(key))) throw new TemplateNotFoundError(key);
    throw new TemplateVersionNotFoundError(key, version);
  }

  /** The rendered fields; variables checked as a send's would be (InvalidVariablesError naming each). */
  async render(key: string, preview: TemplatePreview): Promise<{ readonly version: number; readonly content: RenderedContent }> {
    const release = await this.release(key, preview.version);
    const checked = variablesChecked(release, { templateVars: preview.variables, variablesField: 'variables' }, this.checkVariables);
    return { version: release.version, content: this.renderer.preview(checked, preview) };
  }

  private async release(key: string, version: number | null): Promise<TemplateRelease> {
    const release = version === null ? await this.catalogue.live(key) : await this.catalogue.version(key, version);
    if (release) return release;
    if (version === null || !(await this.readModel.find(key))) throw new TemplateNotFoundError(key);
    throw new TemplateVersionNotFoundError(key, version);
  }
}
