import { api, query } from '../lib/api.js';
import { html, useState } from '../lib/html.js';
import { when } from '../lib/format.js';
import { navigate } from '../lib/router.js';
import { usePages } from '../lib/use-pages.js';
import { DeadLetterDialog } from '../components/dead-letter-dialog.js';
import { loadState } from '../components/feedback.js';
import { Heading } from '../components/heading.js';
import { Pager } from '../components/pager.js';

/** Messages the consumer could not take, kept with why; open one to read it, replay it or discard it. */
export function DeadLetters({ route }) {
  const { reason = '', routing_key = '' } = route.params;
  const [open, setOpen] = useState(null);
  const pages = usePages((cursor) => api('GET', `/dead-letters${query({ reason, routing_key, page_size: 25, cursor })}`), `${reason}|${routing_key}`);
  const submit = (event) => {
    event.preventDefault();
    const form = Object.fromEntries(new FormData(event.currentTarget));
    navigate('/dead-letters', { reason: form.reason.trim(), routing_key: form.routing_key.trim() }, pages.reload);
  };
  const closed = (changed) => {
    setOpen(null);
    if (changed) pages.reload();
  };
  return html`<${Heading} sub="Messages dead-lettered by the consumer: replay republishes one with its routing key; discard deletes it.">Dead letters</${Heading}>
    <form class="toolbar" role="search" aria-label="Filter dead letters" onSubmit=${submit}>
      <label>Reason <input name="reason" value=${reason} placeholder="invalid_payload" /></label>
      <label>Routing key <input name="routing_key" value=${routing_key} placeholder="user.registered" /></label>
      <button type="submit">Filter</button>
    </form>
    ${loadState(pages, { what: 'dead letters', empty: 'No dead letters. Every message was taken.', isEmpty: (d) => d.items.length === 0 }) ??
    html`<p class="muted">${pages.data.total_capped ? `More than ${pages.data.total}` : (pages.data.total ?? pages.data.items.length)} in all.</p>
      <div class="table-wrap"><table>
        <caption>Dead letters, newest first</caption>
        <thead><tr><th scope="col">Routing key</th><th scope="col">Reason</th><th scope="col">Detail</th><th scope="col">Deaths</th><th scope="col">Last death</th><th scope="col">Replayed</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${pages.data.items.map((d) => html`<tr key=${d.id} data-id=${d.id}>
          <th scope="row" class="mono">${d.routing_key}</th>
          <td><span class="badge badge-bad">${d.reason}</span></td>
          <td class="wrap">${d.detail ?? '—'}</td>
          <td class="num">${d.death_count}</td>
          <td class="nowrap">${when(d.last_death_at)}</td>
          <td>${d.replayed_at ? when(d.replayed_at) : '—'}</td>
          <td><button type="button" class="small" onClick=${() => setOpen(d.id)} aria-label=${`Open dead letter ${d.id}`}>Open</button></td>
        </tr>`)}</tbody>
      </table></div>
      <${Pager} cursors=${pages.cursors} next=${pages.data.next_cursor} onPage=${pages.setCursors} label="Dead letters" />`}
    ${open ? html`<${DeadLetterDialog} id=${open} onClose=${closed} />` : null}`;
}
