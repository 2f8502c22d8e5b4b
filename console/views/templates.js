import { query } from '../lib/api.js';
import { html, useState } from '../lib/html.js';
import { when } from '../lib/format.js';
import { href } from '../lib/router.js';
import { useLoad } from '../lib/use-load.js';
import { loadState } from '../components/feedback.js';
import { Heading } from '../components/heading.js';

/** Every template with its live version and whether a newer draft waits. */
export function Templates() {
  const [page, setPage] = useState(1);
  const list = useLoad(`/templates${query({ page, size: 50 })}`);
  const pending = loadState(list, { what: 'templates', empty: 'No templates yet: POST /templates creates one.', isEmpty: (d) => d.templates.length === 0 });
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / 50)) : 1;
  return html`<${Heading} sub="Open one to edit a draft with a live preview, publish it, or roll back to an earlier version.">Templates</${Heading}>
    ${pending ?? html`<div class="table-wrap"><table>
      <caption>Templates (${list.data.total})</caption>
      <thead><tr><th scope="col">Key</th><th scope="col">Description</th><th scope="col">Channels</th><th scope="col">Live</th><th scope="col">Latest</th><th scope="col">Updated</th></tr></thead>
      <tbody>${list.data.templates.map((t) => html`<tr key=${t.key}>
        <th scope="row"><a href=${href(`/templates/${encodeURIComponent(t.key)}`)}>${t.key}</a>${t.built_in ? html` <span class="tag">built-in</span>` : null}</th>
        <td>${t.description || '—'}</td>
        <td>${[...new Set(t.variants.map((v) => v.channel))].join(', ')}</td>
        <td class="num">v${t.live_version}</td>
        <td class="num">v${t.latest_version}${t.latest_version > t.live_version ? html` <span class="badge badge-wait">draft</span>` : null}</td>
        <td class="nowrap">${when(t.updated_at)}</td>
      </tr>`)}</tbody>
    </table></div>
    ${pages > 1 ? html`<nav class="pager" aria-label="Template pages">
      <button type="button" disabled=${page === 1} onClick=${() => setPage(page - 1)}>Previous page</button>
      <span>Page ${page} of ${pages}</span>
      <button type="button" disabled=${page >= pages} onClick=${() => setPage(page + 1)}>Next page</button></nav>` : null}`}`;
}
