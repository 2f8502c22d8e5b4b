import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHIPPED_TYPES } from '../../domain/notification-type.js';
import { Priority } from '../../domain/priority.js';
import type { TemplateDefinition } from '../../domain/template-definition.js';
import { templateVariable } from '../../domain/template-variables.js';

/** The locale the shipped templates are written in. */
const SHIPPED_LOCALE = 'en';

export interface ShippedTemplate {
  readonly key: string;
  readonly definition: TemplateDefinition;
}

interface Declared {
  readonly description: string;
  readonly priority: string;
  readonly variables: ReadonlyArray<{ name: string; type: string; required?: boolean; secret?: boolean }>;
}

/**
 * The shipped types as `templates/email/{type}` holds them: `template.json` (description,
 * priority, declared variables) and `subject.eta`, `html.eta`, `text.eta`, one English email
 * variant. They are seeded as version 1 of each type's template.
 */
export function shippedTemplates(templatesDir: string): ShippedTemplate[] {
  return SHIPPED_TYPES.map((key) => {
    const read = (file: string) => readFileSync(join(templatesDir, key, file), 'utf8');
    const declared = JSON.parse(read('template.json')) as Declared;
    const definition: TemplateDefinition = {
      description: declared.description,
      priority: Priority.of(declared.priority, `${key}/template.json priority`),
      ttlSeconds: null,
      routing: { mode: 'all' },
      variables: declared.variables.map((v, i) => templateVariable(v, `${key}/template.json variables[${i}]`)),
      defaultLocale: SHIPPED_LOCALE,
      variants: [{ channel: 'email', locale: SHIPPED_LOCALE, subject: read('subject.eta'), html: read('html.eta'), text: read('text.eta') }],
    };
    return { key, definition };
  });
}

/**
 * `templates/email` at the repository root, found by walking up from this file, so it resolves the
 * same from `src/adapters/templates` (tsx) and from `dist/src/adapters/templates` (compiled).
 */
export function defaultTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'templates', 'email');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no templates/email directory above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
