import { api } from '../lib/api.js';
import { html, useState } from '../lib/html.js';
import { href } from '../lib/router.js';
import { ProblemBox } from './feedback.js';

/** Retries one failed notification (POST /notifications/{id}/retry) and links to the new one. */
export function RetryButton({ notification, onRetried }) {
  const [state, setState] = useState({ busy: false, error: null, retried: null });
  if (notification.status !== 'failed') return null;
  const retry = async () => {
    setState({ busy: true, error: null, retried: null });
    try {
      const retried = await api('POST', `/notifications/${encodeURIComponent(notification.id)}/retry`, {});
      setState({ busy: false, error: null, retried });
      onRetried?.(retried);
    } catch (error) {
      setState({ busy: false, error, retried: null });
    }
  };
  if (state.retried) {
    return html`<span class="retried" role="status">Retried as <a href=${href(`/notifications/${state.retried.notification_id}`)}>${short(state.retried.notification_id)}</a></span>`;
  }
  return html`<span class="retry">
    <button type="button" class="small" onClick=${retry} disabled=${state.busy} aria-label=${`Retry notification ${notification.id}`}>${state.busy ? 'Retrying…' : 'Retry'}</button>
    <${ProblemBox} error=${state.error} title="Retry refused" />
  </span>`;
}

export const short = (id) => String(id).slice(0, 8);
