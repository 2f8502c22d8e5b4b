import { html, useEffect, useState } from '../lib/html.js';
import { when } from '../lib/format.js';
import { notificationDetail, retriedAs } from '../lib/notifications-source.js';
import { href, idOf } from '../lib/router.js';
import { loadState } from '../components/feedback.js';
import { Heading } from '../components/heading.js';
import { Events, Preview } from '../components/notification-extras.js';
import { RetryButton } from '../components/retry-button.js';
import { Status } from '../components/status.js';
import { Timeline } from '../components/timeline.js';

/**
 * One notification: what it is, its links (retry, fallback), the timeline of attempts, the rendered
 * message, its events. A retry from here updates it in place (a reload could read a lagging standby).
 */
export function NotificationDetail({ route }) {
  const id = idOf(route);
  const [state, setState] = useState({ data: null, error: null, loading: true });
  useEffect(() => {
    let current = true;
    setState({ data: null, error: null, loading: true });
    notificationDetail(id).then(
      (data) => current && setState({ data: { ...data, retried_by: data.retried_by ?? retriedAs(id) ?? null }, error: null, loading: false }),
      (error) => current && setState({ data: null, error, loading: false }),
    );
    return () => (current = false);
  }, [id]);
  const head = html`<${Heading}>Notification <span class="mono">${id}</span></${Heading}>`;
  const pending = loadState(state, { what: 'the notification', isEmpty: () => false });
  if (pending) return html`${head}${pending}`;
  const n = state.data;
  return html`${head}
    <section class="summary" aria-label="Summary">
      <dl class="facts">
        <div><dt>Status</dt><dd><${Status} status=${n.status} /> ${n.reason ? html`<span class="reason">${n.reason}</span>` : null}</dd></div>
        <div><dt>Type</dt><dd>${n.type}${n.template_version ? ` (template v${n.template_version})` : ''}</dd></div>
        <div><dt>Channel</dt><dd>${n.channel}</dd></div>
        <div><dt>Recipient</dt><dd class="wrap">${n.recipient ?? '—'}</dd></div>
        <div><dt>User</dt><dd>${n.userid ? html`<a href=${href('/notifications', { userid: n.userid })}>${n.userid}</a>` : '—'}</dd></div>
        <div><dt>Created</dt><dd>${when(n.created_at)}</dd></div>
        <div><dt>Updated</dt><dd>${when(n.updated_at)}</dd></div>
        ${n.next_attempt_at ? html`<div><dt>Next attempt</dt><dd>${when(n.next_attempt_at)}</dd></div>` : null}
        ${n.order_id ? html`<div><dt>Order</dt><dd>${n.order_id}</dd></div>` : null}
        ${n.correlation_id ? html`<div><dt>Correlation id</dt><dd class="mono">${n.correlation_id}</dd></div>` : null}
        ${n.receipt ? html`<div><dt>Receipt</dt><dd><${Status} status=${n.receipt.status} /> ${n.receipt.error_code ?? ''} ${when(n.receipt.at)}</dd></div>` : null}
      </dl>
      <${Links} n=${n} />
      <${RetryButton} notification=${n} onRetried=${(r) => setState((s) => ({ ...s, data: { ...s.data, retried_by: r.notification_id } }))} />
    </section>
    <${Timeline} notification=${n} />
    <${Preview} rendered=${n.rendered} subject=${n.subject} />
    <${Events} events=${n.events} />`;
}

function Links({ n }) {
  const link = (label, id) => html`<li>${label} <a class="mono" href=${href(`/notifications/${id}`)}>${id}</a></li>`;
  const items = [
    n.retry_of && link('Retry of', n.retry_of),
    n.retried_by && link('Retried by', n.retried_by),
    n.fallback_of && link('Fallback of', n.fallback_of),
    ...(n.fallbacks ?? []).map((id) => link('Fallback', id)),
  ].filter(Boolean);
  return items.length ? html`<ul class="links" aria-label="Related notifications">${items}</ul>` : null;
}
