import { html } from '../lib/html.js';
import { notificationsPage } from '../lib/notifications-source.js';
import { STATUSES } from '../lib/options.js';
import { navigate } from '../lib/router.js';
import { usePages } from '../lib/use-pages.js';
import { loadState } from '../components/feedback.js';
import { Heading } from '../components/heading.js';
import { NotificationTable } from '../components/notification-table.js';
import { Pager } from '../components/pager.js';

/** Search a user or a recipient and read their notifications: status, reason, attempts. */
export function Notifications({ route }) {
  const { userid = '', recipient = '', status = '' } = route.params;
  const filters = { userid, recipient, status };
  const searching = Boolean(userid || recipient);
  const pages = usePages(searching ? (cursor) => notificationsPage(filters, cursor) : null, `${userid}|${recipient}|${status}`);
  const submit = (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    navigate('/notifications', { [form.get('by')]: form.get('term').trim(), status: form.get('status') }, pages.reload);
  };
  const who = userid ? `user ${userid}` : `recipient ${recipient}`;
  return html`<${Heading} sub="Search a user id or a recipient (email address, phone number, device token, URL).">Notifications</${Heading}>
    <form class="toolbar" role="search" onSubmit=${submit}>
      <label>Search by <select name="by" value=${recipient ? 'recipient' : 'userid'}>
        <option value="userid">User id</option><option value="recipient">Recipient</option>
      </select></label>
      <label>Term <input name="term" required value=${userid || recipient} placeholder="u-123 or ana@example.com" /></label>
      <label>Status <select name="status" value=${status}>
        <option value="">Any</option>${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
      </select></label>
      <button type="submit">Search</button>
    </form>
    ${!searching
      ? html`<div class="empty">Enter a user id or a recipient to see their notifications.</div>`
      : loadState(pages, { what: 'notifications', empty: `No notifications for ${who}${status ? ` with status ${status}` : ''}.`, isEmpty: (d) => d.items.length === 0 }) ??
        html`<${NotificationTable} items=${pages.data.items} caption=${`Notifications of ${who}, newest first`} />
          <${Pager} cursors=${pages.cursors} next=${pages.data.next_cursor} onPage=${pages.setCursors} label="Notifications" />`}`;
}
