import { TemplateNotFoundError } from '../../domain/errors.js';
import type { TemplateFieldKind } from '../../domain/template-grammar.js';
import { Template } from '../../domain/template.js';
import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';

/** The safe grammar's check of one template text (UnsafeTemplateError naming the tag). */
export type TemplateFieldCheck = (field: string, kind: TemplateFieldKind, source: string) => void;

export interface TemplateDeps {
  readonly clock: Clock;
  readonly checkField: TemplateFieldCheck;
}

export function createTemplate({ clock, checkField }: TemplateDeps): CommandHandler<'CreateTemplate'> {
  return async ({ key, definition }, uow) => {
    await uow.templates.add(Template.create(key, definition, clock.now(), checkField));
    return { key, version: 1, status: 'live' };
  };
}

export function saveTemplateDraft({ clock, checkField }: TemplateDeps): CommandHandler<'SaveTemplateDraft'> {
  return async ({ key, definition }, uow) => {
    const template = await existing(uow, key);
    const version = template.saveDraft(definition, clock.now(), checkField);
    await uow.templates.save(template);
    return { key, version, status: 'draft' };
  };
}

export function publishTemplateVersion({ clock }: TemplateDeps): CommandHandler<'PublishTemplateVersion'> {
  return async ({ key, version }, uow) => {
    const template = await existing(uow, key);
    template.publish(version, clock.now());
    await uow.templates.save(template);
    return { key, version, status: 'live' };
  };
}

async function existing(uow: UnitOfWork, key: string): Promise<Template> {
  const template = await uow.templates.get(key);
  if (!template) throw new TemplateNotFoundError(key);
  return template;
}
