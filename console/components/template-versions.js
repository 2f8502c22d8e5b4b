import { api } from '../lib/api.js';
import { html, useState } from '../lib/html.js';
import { when } from '../lib/format.js';
import { ProblemBox } from './feedback.js';

/** A template's versions, newest first: preview any, publish a draft, or roll back by publishing an older one. */
export function TemplateVersions({ templateKey, versions, previewed, onPreview, onPublished }) {
  const [state, setState] = useState({ busy: null, error: null, note: null });
  const live = versions.find((v) => v.status === 'live')?.version ?? 0;
  const publish = async (version) => {
    setState({ busy: version, error: null, note: null });
    try {
      await api('POST', `/templates/${encodeURIComponent(templateKey)}/versions/${version}/publish`, {});
      setState({ busy: null, error: null, note: `v${version} is live.` });
      onPublished();
    } catch (error) {
      setState({ busy: null, error, note: null });
    }
  };
  return html`<section aria-labelledby="versions-title">
    <h2 id="versions-title">Versions</h2>
    ${state.note ? html`<p role="status" class="ok-note">${state.note}</p>` : null}
    <${ProblemBox} error=${state.error} title="Publish refused" />
    <div class="table-wrap"><table>
      <caption class="visually-hidden">Versions of ${templateKey}, newest first</caption>
      <thead><tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Saved</th><th scope="col">Description</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${versions.map((v) => html`<tr key=${v.version} aria-current=${v.version === previewed ? 'true' : undefined}>
        <th scope="row">v${v.version}</th>
        <td><span class=${`badge badge-${v.status === 'live' ? 'ok' : 'wait'}`}>${v.status}</span></td>
        <td class="nowrap">${when(v.created_at)}</td>
        <td>${v.description || '—'}</td>
        <td class="row-actions">
          <button type="button" class="small secondary" onClick=${() => onPreview(v.version)} disabled=${v.version === previewed}>Preview v${v.version}</button>
          ${v.status === 'live' ? null : html`<button type="button" class="small" disabled=${state.busy !== null} onClick=${() => publish(v.version)}>
            ${v.version > live ? `Publish v${v.version}` : `Roll back to v${v.version}`}</button>`}
        </td>
      </tr>`)}</tbody>
    </table></div>
  </section>`;
}
