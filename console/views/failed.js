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

/** Failed notifications (GET /notifications?status=failed), each retried alone or all at once by filter. */
export function Failed({ route }) {
  const { type = '', channel = '', created_from = '' } = route.params;
  const filters = { status: 'failed', type, channel, created_from };
  const pages = usePages((cursor) => notificationsPage(filters, cursor), `${type}|${channel}|${created_from}`);
  const submit = (event) => {
    event.preventDefault();
    const form = Object.fromEntries(new FormData(event.currentTarget));
    navigate('/failed', { type: form.type.trim(), channel: form.channel, created_from: form.created_from });
  };
  return html`<${Heading} sub="Notifications that gave up: retry one, or every one a filter selects.">Failed notifications</${Heading}>
    <form class="toolbar" role="search" aria-label="Filter failed notifications" onSubmit=${submit}>
      <label>Type <input name="type" value=${type} placeholder="any" /></label>
      <label>Channel <select name="channel" value=${channel}><option value="">Any</option>${CHANNELS.map((c) => html`<option value=${c}>${c}</option>`)}</select></label>
      <label>Created since <input name="created_from" type="date" value=${created_from} /></label>
      <button type="submit">Filter</button>
    </form>
    <${BulkRetry} filter=${{ type, channel, failed_since: created_from ? new Date(created_from).toISOString() : '' }} onDone=${pages.reload} />
    ${loadState(pages, { what: 'failed notifications', empty: 'No failed notifications match. All clear.', isEmpty: (d) => d.items.length === 0 }) ??
    html`<${NotificationTable} items=${pages.data.items} caption="Failed notifications, newest first" onRetried=${pages.reload} />
      <${Pager} cursors=${pages.cursors} next=${pages.data.next_cursor} onPage=${pages.setCursors} label="Failed notifications" />`}`;
}
