import { html } from '../lib/html.js';
import { when } from '../lib/format.js';
import { href } from '../lib/router.js';
import { RetryButton, short } from './retry-button.js';
import { Status } from './status.js';

/** Notifications as a table: one row each, its id a link to its timeline; failed ones can be retried (the row shows the retry in place). */
export function NotificationTable({ items, caption }) {
  return html`<div class="table-wrap"><table>
    <caption>${caption}</caption>
    <thead><tr>
      <th scope="col">Notification</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Type</th>
      <th scope="col">Channel</th><th scope="col">Recipient</th><th scope="col">User</th><th scope="col">Attempts</th>
      <th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th>
    </tr></thead>
    <tbody>${items.map((n) => html`<tr key=${n.id} data-id=${n.id}>
      <th scope="row"><a class="mono" href=${href(`/notifications/${n.id}`)} title=${n.id}>${short(n.id)}</a></th>
      <td><${Status} status=${n.status} /></td>
      <td>${n.reason ?? '—'}</td>
      <td>${n.type}</td>
      <td>${n.channel}</td>
      <td class="wrap">${n.recipient ?? '—'}</td>
      <td>${n.userid ?? '—'}</td>
      <td class="num">${n.attempts?.length ?? 0}</td>
      <td class="nowrap">${when(n.created_at)}</td>
      <td><${RetryButton} notification=${n} /></td>
    </tr>`)}</tbody>
  </table></div>`;
}
