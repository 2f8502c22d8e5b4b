import { html } from '../lib/html.js';
import { when } from '../lib/format.js';
import { HtmlPreview } from './html-preview.js';

/** The rendered message: its fields, and its HTML in a sandboxed frame. */
export function Preview({ rendered, subject }) {
  if (!rendered) return html`<section aria-labelledby="preview-title"><h2 id="preview-title">Rendered message</h2><p class="muted">Subject: ${subject ?? '—'}. The rendered body is not kept for this notification.</p></section>`;
  const { html: body, ...fields } = rendered;
  return html`<section aria-labelledby="preview-title">
    <h2 id="preview-title">Rendered message</h2>
    <${RenderedFields} fields=${fields} />
    ${body ? html`<${HtmlPreview} body=${body} />` : null}
  </section>`;
}

export function RenderedFields({ fields }) {
  const shown = Object.entries(fields).filter(([name, value]) => value !== undefined && value !== null && !['key', 'version', 'channel'].includes(name));
  return html`<dl class="rendered">${shown.map(([name, value]) => html`<div><dt>${name}</dt><dd><pre>${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre></dd></div>`)}</dl>`;
}

export function Events({ events }) {
  if (!events) return null;
  return html`<section aria-labelledby="events-title">
    <h2 id="events-title">Events published</h2>
    ${events.length === 0 ? html`<p class="muted">None yet.</p>` : html`<div class="table-wrap"><table>
      <caption class="visually-hidden">Events published for this notification</caption>
      <thead><tr><th scope="col">Event</th><th scope="col">Routing key</th><th scope="col">Created</th><th scope="col">Published</th></tr></thead>
      <tbody>${events.map((e) => html`<tr><th scope="row">${e.event_type}</th><td class="mono">${e.routing_key}</td><td>${when(e.created_at)}</td><td>${when(e.published_at)}</td></tr>`)}</tbody>
    </table></div>`}
  </section>`;
}
