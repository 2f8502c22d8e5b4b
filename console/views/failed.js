import { localMidnight } from '../lib/format.js';
import { html } from '../lib/html.js';
import { notificationsPage } from '../lib/notifications-source.js';
import { CHANNELS } from '../lib/options.js';
import { navigate } from '../lib/router.js';
import { usePages } from '../lib/use-pages.js';
import { BulkRetry } from '../components/bulk-retry.js';
import { loadState } from '../components/feedback.js';
import { Heading } from '../components/heading.js';
import { NotificationTable } from '../components/notification-table.js';
import { Pager } from '../components/pager.js';

/**
 * Failed notifications (GET /notifications?status=failed), each retried alone or all at once by filter.
 * The date is a day in the route (the input's value) and its local midnight as an instant in the
 * requests: created since it for the list, failed since it for the bulk retry (a notification
 * created since then failed since then too).
 */
export function Failed({ route }) {
  const { type = '', channel = '', created_from = '' } = route.params;
  const since = localMidnight(created_from);
  const filters = { status: 'failed', type, channel, created_from: since };
  const pages = usePages((cursor) => notificationsPage(filters, cursor), `${type}|${channel}|${created_from}`);
  const submit = (event) => {
    event.preventDefault();
    const form = Object.fromEntries(new FormData(event.currentTarget));
    navigate('/failed', { type: form.type.trim(), channel: form.channel, created_from: form.created_from }, pages.reload);
  };
  return html`<${Heading} sub="Notifications that gave up: retry one, or every one a filter selects.">Failed notifications</${Heading}>
    <form class="toolbar" role="search" aria-label="Filter failed notifications" onSubmit=${submit}>
      <label>Type <input name="type" value=${type} placeholder="any" /></label>
      <label>Channel <select name="channel" value=${channel}><option value="">Any</option>${CHANNELS.map((c) => html`<option value=${c}>${c}</option>`)}</select></label>
      <label>Created since <input name="created_from" type="date" value=${created_from} /></label>
      <button type="submit">Filter</button>
    </form>
    <${BulkRetry} filter=${{ type, channel, failed_since: since }} listed=${listed(pages)} onDone=${pages.reload} />
    ${loadState(pages, { what: 'failed notifications', empty: 'No failed notifications match. All clear.', isEmpty: (d) => d.items.length === 0 }) ??
    html`<${NotificationTable} items=${pages.data.items} caption="Failed notifications, newest first" />
      <${Pager} cursors=${pages.cursors} next=${pages.data.next_cursor} onPage=${pages.setCursors} label="Failed notifications" />`}`;
}

/** The rows listed when they are all the filter selects (one page), for the bulk retry to compare its count with; else null. */
const listed = ({ data, cursors }) => (data && !data.next_cursor && cursors.length === 0 ? data.items : null);
