import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { RenderedContent } from '../../application/ports/channel-sender.js';
import type { NotificationRenderer } from '../../application/ports/notification-renderer.js';
import type { NotificationSnapshot } from '../../domain/notification-request.js';
import { InvalidValueError } from '../../domain/errors.js';
import { NOTIFICATION_TYPES, type NotificationType } from '../../domain/notification-type.js';

export interface EtaRendererSettings {
  /** Folder holding `layout.*.eta` and one folder per notification type; see defaultTemplatesDir(). */
  readonly templatesDir: string;
  /** Base of the links in emails (`/verify/{token}`, `/reset/{token}`); a trailing slash is dropped. */
  readonly appBaseUrl: string;
  readonly serviceName: string;
}

type Vars = Readonly<Record<string, unknown>>;
type TemplateData = Record<string, unknown>;

/**
 * Renders `templates/email/{type}/{subject,html,text}.eta`. Variables are checked per type before
 * any template runs, so a bad event fails with InvalidValueError rather than an email saying
 * "undefined". Only the HTML part is escaped: subject and text are not HTML, and escaping them
 * would show `&amp;` to the reader.
 */
export class EtaNotificationRenderer implements NotificationRenderer {
  private readonly html = new Eta({ autoEscape: true, autoTrim: false });
  private readonly plain = new Eta({ autoEscape: false, autoTrim: false });
  private readonly baseUrl: string;
  private loaded = false;

  constructor(private readonly settings: EtaRendererSettings) {
    this.baseUrl = settings.appBaseUrl.replace(/\/+$/, '');
  }

  render(notification: NotificationSnapshot): RenderedContent {
    const { type, recipient, content } = notification;
    // The recipient stands in for `email` when the cause did not name one (a REST send).
    return { channel: 'email', ...this.renderEmail(type, { email: recipient, ...content.templateVars }, content) };
  }

  private renderEmail(type: NotificationType, vars: Vars, override: { subject: string | null; body: string | null }) {
    const subjectOverride = given(override.subject);
    const contentOverride = given(override.body);
    const common = { service_name: this.settings.serviceName, app_base_url: this.baseUrl };
    // A caller who supplies both subject and content renders nothing of the template, so needs no variables.
    const data = subjectOverride && contentOverride ? common : { ...TEMPLATE_DATA[type](vars, this.baseUrl), ...common };
    this.loadOnce();
    const subject = oneLine(subjectOverride ?? this.plain.render(`@${type}/subject`, data));
    if (contentOverride) {
      const body = this.html.config.escapeFunction(contentOverride).replace(/\r\n|\r|\n/g, '<br>');
      return { subject, text: contentOverride, html: this.html.render('@layout.html', { ...data, subject, body }) };
    }
    return {
      subject,
      text: this.plain.render(`@${type}/text`, data),
      html: this.html.render(`@${type}/html`, { ...data, subject }),
    };
  }

  /** Templates are read on first use (no I/O in the constructor) and kept compiled from then on. */
  private loadOnce(): void {
    if (this.loaded) return;
    const read = (file: string): string => readFileSync(join(this.settings.templatesDir, file), 'utf8');
    this.html.loadTemplate('@layout.html', read('layout.html.eta'));
    this.plain.loadTemplate('@layout.text', read('layout.text.eta'));
    for (const type of NOTIFICATION_TYPES) {
      this.plain.loadTemplate(`@${type}/subject`, read(join(type, 'subject.eta')));
      this.plain.loadTemplate(`@${type}/text`, read(join(type, 'text.eta')));
      this.html.loadTemplate(`@${type}/html`, read(join(type, 'html.eta')));
    }
    this.loaded = true;
  }
}

/**
 * `templates/email` at the repository root, found by walking up from this file, so it resolves the
 * same from `src/adapters/email` (tsx) and from `dist/src/adapters/email` (compiled).
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

/** Header-injection defence: a subject is one line whatever the template or caller put in it. */
function oneLine(subject: string): string {
  return subject.replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, ' ').trim();
}

function given(value: string | null | undefined): string | null {
  return value !== undefined && value !== null && value.trim() !== '' ? value : null;
}

const TEMPLATE_DATA: { readonly [T in NotificationType]: (vars: Vars, baseUrl: string) => TemplateData } = {
  email_verification: (vars, baseUrl) => ({
    username: text(vars, 'username'),
    email: text(vars, 'email'),
    verification_link: `${baseUrl}/verify/${encodeURIComponent(text(vars, 'verify_token'))}`,
  }),
  password_reset: (vars, baseUrl) => ({
    username: optionalText(vars, 'username'),
    email: text(vars, 'email'),
    reset_link: `${baseUrl}/reset/${encodeURIComponent(text(vars, 'reset_token'))}`,
  }),
  welcome: (vars) => ({ username: optionalText(vars, 'username'), email: text(vars, 'email') }),
  security_alert: (vars) => ({ username: optionalText(vars, 'username'), alert_message: text(vars, 'alert_message') }),
  order_confirmation: (vars) => ({
    order_id: identifier(vars, 'order_id'),
    items: orderItems(vars.items),
    total_amount: money(vars.total_amount, 'template_vars.total_amount'),
    status: text(vars, 'status'),
  }),
  order_status_update: (vars) => {
    const newStatus = text(vars, 'new_status');
    return {
      order_id: identifier(vars, 'order_id'),
      old_status: text(vars, 'old_status'),
      new_status: newStatus,
      new_status_label: newStatus.charAt(0).toUpperCase() + newStatus.slice(1),
      updated_by: optionalText(vars, 'updated_by'),
    };
  },
};

function field(name: string): string {
  return `template_vars.${name}`;
}

function text(vars: Vars, name: string): string {
  const value = vars[name];
  if (value === undefined || value === null) throw new InvalidValueError(field(name), 'is required');
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidValueError(field(name), 'must be a non-empty string');
  return value;
}

function optionalText(vars: Vars, name: string): string | null {
  const value = vars[name];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new InvalidValueError(field(name), 'must be a string when given');
  return value;
}

/** Order ids are integers from some services and strings from others. */
function identifier(vars: Vars, name: string): string {
  const value = vars[name];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value === undefined || value === null) throw new InvalidValueError(field(name), 'is required');
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidValueError(field(name), 'must be a non-empty string or a number');
  return value;
}

function numeric(value: unknown, at: string): number {
  const n = typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new InvalidValueError(at, 'must be a number or a numeric string');
  return n;
}

function money(value: unknown, at: string): string {
  return numeric(value, at).toFixed(2);
}

function orderItems(value: unknown): TemplateData[] {
  if (!Array.isArray(value)) throw new InvalidValueError(field('items'), 'must be an array of order items');
  return value.map((item: unknown, i) => {
    const at = field(`items[${i}]`);
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new InvalidValueError(at, 'must be an object');
    const entry = item as Vars;
    const name = entry.product_name;
    if (typeof name !== 'string' || name.trim() === '') throw new InvalidValueError(`${at}.product_name`, 'must be a non-empty string');
    return {
      product_name: name,
      quantity: String(numeric(entry.quantity, `${at}.quantity`)),
      price: money(entry.price, `${at}.price`),
    };
  });
}
