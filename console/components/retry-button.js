import { api } from '../lib/api.js';
import { html, useState } from '../lib/html.js';
import { rememberRetry, retriedAs } from '../lib/notifications-source.js';
import { href } from '../lib/router.js';
import { ProblemBox } from './feedback.js';

/**
 * Retries one failed notification (POST /notifications/{id}/retry) and links to the new one, and
 * to the notifications it had fallen back to (the user may have had it there already). Once
 * retried (its retried_by, or this tab's retry of it) it shows the link instead: a view read
 * from a standby that lags must not offer a second retry (409).
 */
export function RetryButton({ notification, onRetried }) {
  const [state, setState] = useState({ busy: false, error: null, retried: null });
  if (notification.status !== 'failed') return null;
  const retry = async () => {
    setState({ busy: true, error: null, retried: null });
    try {
      const retried = await api('POST', `/notifications/${encodeURIComponent(notification.id)}/retry`, {});
      rememberRetry(notification.id, retried);
      setState({ busy: false, error: null, retried });
      onRetried?.(retried);
    } catch (error) {
      setState({ busy: false, error, retried: null });
    }
  };
  if (state.retried) {
    const fallbacks = state.retried.fallbacks ?? [];
    const note = fallbacks.length > 0 ? html`; it had fallen back to ${fallbacks.map((id, i) => html`${i > 0 ? ', ' : ''}${link(id)}`)}` : null;
    return html`<span class="retried" role="status">Retried as ${link(state.retried.notification_id)}${note}</span>`;
  }
  const earlier = notification.retried_by ?? retriedAs(notification.id);
  if (earlier) return html`<span class="retried">Retried as ${link(earlier)}</span>`;
  return html`<span class="retry">
    <button type="button" class="small" onClick=${retry} disabled=${state.busy} aria-label=${`Retry notification ${notification.id}`}>${state.busy ? 'Retrying…' : 'Retry'}</button>
    <${ProblemBox} error=${state.error} title="Retry refused" />
  </span>`;
}

const link = (id) => html`<a href=${href(`/notifications/${id}`)}>${short(id)}</a>`;

export const short = (id) => String(id).slice(0, 8);
