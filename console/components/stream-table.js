import { html } from '../lib/html.js';
import { href } from '../lib/router.js';
import { short } from './retry-button.js';
import { Status } from './status.js';

const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** The stream's outcome frames (`event` is the routing key, notification.<status>), and a row for each time it was away. */
export function StreamTable({ frames }) {
  return html`<div class="table-wrap"><table class="stream" aria-live="off">
    <caption>Outcomes, newest first (the last ${frames.length})</caption>
    <thead><tr><th scope="col">Time</th><th scope="col">Outcome</th><th scope="col">Reason</th><th scope="col">Notification</th><th scope="col">Type</th><th scope="col">Channel</th><th scope="col">Recipient</th><th scope="col">User</th></tr></thead>
    <tbody>${frames.map((f, i) => f.type === 'gap' ? Gap(f) : html`<tr key=${`${f.notification_id}-${f.event}-${frames.length - i}`} data-id=${f.notification_id}>
      <td class="nowrap">${time.format(f.timestamp ? new Date(f.timestamp * 1000) : f.received_at)}</td>
      <td><${Status} status=${String(f.event ?? '').replace(/^notification\./, '')} /></td>
      <td>${f.reason ?? '—'}</td>
      <th scope="row">${f.notification_id ? html`<a class="mono" href=${href(`/notifications/${f.notification_id}`)}>${short(f.notification_id)}</a>` : '—'}</th>
      <td>${f.notification_type ?? '—'}</td>
      <td>${f.channel ?? '—'}</td>
      <td class="wrap">${f.recipient ?? '—'}</td>
      <td>${f.userid ?? '—'}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

/** The stream was away from `from` to `to`: outcomes then are missing here. */
function Gap({ from, to }) {
  return html`<tr key=${`gap-${from.getTime()}`} class="gap"><td colspan="8">
    Missed while disconnected, ${time.format(from)} to ${time.format(to)}: outcomes in between are not in this list (search the Notifications view for them).
  </td></tr>`;
}
