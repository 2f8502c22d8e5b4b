import type { RenderedContent } from '../../application/ports/channel-sender.js';
import { InvalidValueError } from '../../domain/errors.js';
import type { Channel } from '../../domain/notification-type.js';
import { checkSmsBody } from '../../domain/sms-segments.js';
import type { TemplateVariant } from '../../domain/template-definition.js';
import { type OwnWording, emailContent } from './email-content.js';
import { type RenderField, given, oneLine } from './render-field.js';

/** The notification a webhook's default envelope describes (a send with its own content). */
export interface Envelope {
  readonly notificationId: string | null;
  readonly type: string;
  readonly createdAt: string;
}

export interface ChannelRender {
  readonly run: RenderField;
  readonly escapeHtml: (text: string) => string;
  readonly variant: TemplateVariant;
  readonly own: OwnWording;
  readonly envelope: Envelope;
}

/** A variant's texts rendered into its channel's fields; a sender's own subject and content win. */
export function channelContent(channel: Channel, r: ChannelRender): RenderedContent {
  const { run, variant: v, own } = r;
  const text = (field: 'title' | 'body', source: string | undefined) => given(field === 'title' ? own.subject : own.body) ?? run(field, source ?? '', 'none');
  switch (channel) {
    case 'email':
      return emailContent(run, r.escapeHtml, { subject: v.subject ?? '', html: v.html ?? null, text: v.text ?? null }, own);
    case 'sms':
      return { channel, body: checkSmsBody(text('body', v.body)) };
    case 'push':
      return { channel, title: oneLine(text('title', v.title)), body: text('body', v.body), data: dataOf(run, v.data) };
    case 'in_app': {
      const actionUrl = v.actionUrl ? linkOf(oneLine(run('actionUrl', v.actionUrl, 'none'))) : null;
      return { channel, title: oneLine(text('title', v.title)), body: text('body', v.body), actionUrl: actionUrl || null, data: dataOf(run, v.data) };
    }
    case 'webhook':
      return { channel, payload: v.payload && given(own.body) === null ? jsonPayload(run('payload', v.payload, 'json')) : envelopeOf(r) };
  }
}

/** A feed item's link, as a client will render it: http(s) or a path of the app, never `javascript:` or `data:`. */
function linkOf(url: string): string {
  if (url !== '' && !/^(https?:\/\/|\/(?![/\\]))/i.test(url)) throw new InvalidValueError('actionUrl', 'must render to an http(s) URL or a path starting with /');
  return url;
}

/** A send with its own content posts `{notification_id, type, subject, body, created_at}`. */
function envelopeOf({ envelope, own }: ChannelRender): string {
  const { notificationId, type, createdAt } = envelope;
  return JSON.stringify({ notification_id: notificationId, type, subject: own.subject, body: own.body, created_at: createdAt });
}

function jsonPayload(rendered: string): string {
  try {
    JSON.parse(rendered);
    return rendered;
  } catch (error) {
    throw new InvalidValueError('payload', `the rendered webhook payload is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Push and in-app `data`: a JSON object whose values providers take as strings. */
function dataOf(run: RenderField, source: string | undefined): Record<string, string> {
  if (!source) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(run('data', source, 'json'));
  } catch (error) {
    throw new InvalidValueError('data', `the rendered data is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidValueError('data', 'must render to a JSON object');
  const data: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(parsed)) data[key] = typeof value === 'string' ? value : JSON.stringify(value);
  return data;
}
