import type { RenderedContent } from '../../application/ports/channel-sender.js';
import type { NotificationRenderer, PreviewRequest } from '../../application/ports/notification-renderer.js';
import type { TemplateCatalogue, TemplateRelease } from '../../application/ports/template-catalogue.js';
import { InvalidValueError, RenderBudgetExceededError } from '../../domain/errors.js';
import type { NotificationSnapshot } from '../../domain/notification-request.js';
import { Channel } from '../../domain/notification-type.js';
import type { TemplateVariant } from '../../domain/template-definition.js';
import { pickVariant } from '../../domain/template-locale.js';
import { builtInData } from './built-in-data.js';
import { channelContent } from './channel-content.js';
import { budgetedData, loopOver } from './budgeted-data.js';
import { RenderBudget } from './render-budget.js';
import { fieldRenderer, given } from './render-field.js';
import type { TemplateEngine } from './template-engine.js';
import { HELPERS_KEY } from './template-engine.js';
import { templateHelpers } from './template-helpers.js';

export interface RendererSettings {
  /** Base of the links in emails (`/verify/{token}`); a trailing slash is dropped. */
  readonly appBaseUrl: string;
  readonly serviceName: string;
}

/**
 * Renders a notification with the template version it was recorded with (rows from before
 * templates were data: the live one), in the best locale its template has. Any failure of a
 * template at render time (a path through a missing object, a loop over the limit, output over
 * the limit) is an InvalidValueError naming the template and field: such a notification can never
 * be sent.
 */
export class StoredTemplateRenderer implements NotificationRenderer {
  private readonly baseUrl: string;

  constructor(
    private readonly catalogue: TemplateCatalogue,
    private readonly engine: TemplateEngine,
    private readonly settings: RendererSettings,
  ) {
    this.baseUrl = settings.appBaseUrl.replace(/\/+$/, '');
  }

  async render(n: NotificationSnapshot): Promise<RenderedContent> {
    const release = n.templateVersion === null ? await this.catalogue.live(n.type) : await this.catalogue.version(n.type, n.templateVersion);
    if (!release) throw new InvalidValueError('notification_type', `template ${n.type} version ${n.templateVersion ?? 'live'} does not exist`);
    // The recipient stands in for `email` when the cause did not name one (a REST send).
    const variables = { email: n.recipient, ...n.content.templateVars };
    const envelope = { notificationId: n.id, type: n.type, createdAt: n.createdAt.toISOString() };
    return this.preview(release, { channel: n.channel, locale: n.locale, timeZone: n.timeZone, variables, subject: n.content.subject, body: n.content.body, envelope });
  }

  preview(release: TemplateRelease, ask: PreviewRequest): RenderedContent {
    const { definition } = release;
    const channel = Channel.of(ask.channel);
    // A sender who supplies the content renders nothing of the template, so needs no variables.
    const ownWording = given(ask.body) !== null && (given(ask.subject) !== null || !TITLED.has(channel));
    const variant = pickVariant(definition.variants, channel, ask.locale, definition.defaultLocale) ?? (ownWording ? { channel, locale: definition.defaultLocale } : null);
    if (!variant) throw new InvalidValueError('channel', `template ${release.key} has no ${channel} variant`);
    const locale = ask.locale ?? variant.locale;
    const variables = ownWording ? {} : builtInData(release.key, ask.variables, this.baseUrl);
    // One budget for the whole render: loops over the variables and printed values count against it.
    const budget = new RenderBudget(tagsIn(variant));
    const data = {
      ...withinLimits(() => budgetedData(variables, budget)),
      service_name: this.settings.serviceName,
      app_base_url: this.baseUrl,
      [HELPERS_KEY]: { ...templateHelpers({ locale, timeZone: ask.timeZone ?? 'UTC' }), json: jsonText, __each: loopOver },
    };
    const run = fieldRenderer(this.engine, budget, `${release.key}@${release.version}/${channel}/${variant.locale}`, data);
    const own = { subject: ask.subject ?? null, body: ask.body ?? null };
    const envelope = ask.envelope ?? { notificationId: null, type: release.key, createdAt: new Date(0).toISOString() };
    return channelContent(channel, { run, escapeHtml: (text) => this.engine.escape(text), variant, own, envelope });
  }
}

/** Channels whose message has a subject or title of its own: the sender's own wording needs both. */
const TITLED: ReadonlySet<Channel> = new Set(['email', 'push', 'in_app']);

/** The most tags a loop body can hold: what one loop step may cost (see render-budget.ts). */
function tagsIn(variant: TemplateVariant): number {
  const counted = TAGS.get(variant);
  if (counted !== undefined) return counted;
  const tags = [variant.subject, variant.html, variant.text, variant.body, variant.title, variant.data, variant.actionUrl, variant.payload].reduce((most, text) => Math.max(most, text?.split('<%').length ?? 1), 1) - 1;
  TAGS.set(variant, tags);
  return tags;
}

/** Counted once per variant (the catalogue hands out the same version objects while it keeps them). */
const TAGS = new WeakMap<TemplateVariant, number>();

/** `<%~ json(path) %>` in a webhook payload: the value as JSON (null for what JSON cannot say). */
function jsonText(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** Variables too large or deep to render make a notification that can never be sent. */
function withinLimits<T>(copy: () => T): T {
  try {
    return copy();
  } catch (error) {
    if (error instanceof RenderBudgetExceededError) throw new InvalidValueError('variables', error.message);
    throw error;
  }
}
