import { InvalidValueError, InvalidVariablesError } from '../../domain/errors.js';
import type { Channel } from '../../domain/notification-type.js';
import { checkSmsBody } from '../../domain/sms-segments.js';
import type { TemplateCatalogue, TemplateRelease, VariablesCheck } from '../ports/template-catalogue.js';

/** The live version of a type's template; InvalidValueError naming the type when none has its key. */
export async function releaseFor(templates: TemplateCatalogue, type: string, field = 'notification_type'): Promise<TemplateRelease> {
  const release = await templates.live(type);
  if (!release) throw new InvalidValueError(field, `no template has the key ${JSON.stringify(type)} (GET /templates lists them)`);
  return release;
}

interface Asked {
  readonly templateVars: Readonly<Record<string, unknown>>;
  readonly variablesField?: string;
  readonly subject?: string | null;
  readonly content?: string | null;
}

/**
 * The release, once the variables fit what it declares: InvalidVariablesError naming each that does
 * not. A send that supplies both its subject and its content renders nothing of the template, so
 * it needs none of the variables.
 */
export function variablesChecked(release: TemplateRelease, ask: Asked, check: VariablesCheck): TemplateRelease {
  if (given(ask.subject) && given(ask.content)) return release;
  const problems = check(release.definition.variables, ask.templateVars);
  if (problems.length === 0) return release;
  const prefix = ask.variablesField ?? 'template_vars';
  throw new InvalidVariablesError(problems.map((p) => ({ field: `${prefix}.${p.variable}`, message: p.message })));
}

function given(value: string | null | undefined): boolean {
  return value !== undefined && value !== null && value.trim() !== '';
}

/**
 * The release, once it can render for the channel: a variant for it, unless the send brings its
 * own content (an SMS's own text is held to the SMS limit here, before anything is recorded).
 */
export function channelChecked(release: TemplateRelease, ask: { readonly channel: Channel; readonly content?: string | null }): TemplateRelease {
  if (ask.channel === 'sms' && given(ask.content)) checkSmsBody(ask.content ?? '', 'content');
  if (given(ask.content) || release.definition.variants.some((v) => v.channel === ask.channel)) return release;
  const has = [...new Set(release.definition.variants.map((v) => v.channel))].join(', ');
  throw new InvalidValueError('channel', `template ${release.key} has no ${ask.channel} variant (it has ${has})`);
}

/** Throws as requesting the send would (an unknown type, variables that do not fit), without requesting it. */
export async function checkSendable(templates: TemplateCatalogue, check: VariablesCheck, send: { readonly notificationType: string; readonly channel: Channel | null } & Asked): Promise<TemplateRelease> {
  const release = variablesChecked(await releaseFor(templates, send.notificationType), send, check);
  return send.channel === null ? release : channelChecked(release, { ...send, channel: send.channel });
}
