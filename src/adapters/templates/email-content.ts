import type { RenderedFor } from '../../application/ports/channel-sender.js';
import { textFromHtml } from './html-text.js';
import { type RenderField, given, oneLine } from './render-field.js';

/** The shipped layout around a text that is not a template (a sender's own content, a text-only variant). */
const IN_LAYOUT = "<% layout('@layout.html') %><%~ it.__in_layout %>";

export interface EmailParts {
  readonly subject: string;
  readonly html: string | null;
  readonly text: string | null;
}

export type OwnWording = { readonly subject: string | null; readonly body: string | null };

/**
 * An email from its variant's texts: subject on one line, HTML (the text, escaped, in the layout
 * when the variant has no HTML), text (made from the HTML when the variant has none). A sender's
 * own subject or content replaces the template's.
 */
export function emailContent(run: RenderField, escapeHtml: (text: string) => string, parts: EmailParts, own: OwnWording): RenderedFor<'email'> {
  const subject = oneLine(given(own.subject) ?? run('subject', parts.subject, 'none'));
  const body = given(own.body);
  const inLayout = (text: string) => run('layout', IN_LAYOUT, 'html', { subject, __in_layout: escapeHtml(text).replace(/\r\n|\r|\n/g, '<br>') });
  if (body !== null) return { channel: 'email', subject, text: body, html: inLayout(body) };
  const html = parts.html === null ? null : run('html', parts.html, 'html', { subject });
  const text = parts.text === null ? textFromHtml(html ?? '') : run('text', parts.text, 'none');
  return { channel: 'email', subject, text, html: html ?? inLayout(text) };
}
