import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TemplatesQuery } from '../../application/queries/templates.query.js';
import { CachedTemplateCatalogue } from '../../adapters/postgres/template-catalogue.js';
import { KyselyTemplateReadModel } from '../../adapters/postgres/template-read-model.js';
import { variableProblems } from '../template-variables-schema.js';
import { defaultTemplatesDir } from '../../adapters/templates/built-in-templates.js';
import { StoredTemplateRenderer } from '../../adapters/templates/stored-template-renderer.js';
import { TemplateEngine } from '../../adapters/templates/template-engine.js';
import type { Factories } from './factory-types.js';

/** A publish reaches every instance within this (each re-reads a live version once it is this old). */
const LIVE_TEMPLATE_MS = 1_000;
/** Template versions, and compiled template texts, kept in memory at most. */
const CACHED_TEMPLATES = 2_000;

type Templates = 'templatesDir' | 'templateCatalogue' | 'templatesQuery' | 'renderer';

export const templateFactories: Pick<Factories, Templates> = {
  templatesDir: () => defaultTemplatesDir(),
  templateCatalogue: (get) => new CachedTemplateCatalogue(get('templatesDb'), { liveForMs: LIVE_TEMPLATE_MS, maxEntries: CACHED_TEMPLATES }),
  templatesQuery: (get) => new TemplatesQuery(new KyselyTemplateReadModel(get('primaryDb')), get('templateCatalogue'), get('renderer'), variableProblems),
  renderer: (get) => {
    const { appBaseUrl, serviceName } = get('config');
    const read = (file: string) => readFileSync(join(get('templatesDir'), file), 'utf8');
    const engine = new TemplateEngine({ html: read('layout.html.eta'), text: read('layout.text.eta') }, CACHED_TEMPLATES);
    return new StoredTemplateRenderer(get('templateCatalogue'), engine, { appBaseUrl, serviceName });
  },
};
