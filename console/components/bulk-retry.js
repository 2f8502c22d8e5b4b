import { api } from '../lib/api.js';
import { count } from '../lib/format.js';
import { html, useRef, useState } from '../lib/html.js';
import { Dialog } from './dialog.js';
import { ProblemBox } from './feedback.js';

/**
 * Bulk retry, in two steps: a dry run counts what the filter selects (POST /notifications/retry
 * with dry_run), then a dialog asks to confirm that number before anything is retried.
 */
export function BulkRetry({ filter, onDone }) {
  const [state, setState] = useState({ step: 'idle', count: 0, error: null, done: null });
  const opener = useRef(null);
  const body = Object.fromEntries(Object.entries({ status: 'failed', ...filter }).filter(([, v]) => v));
  const call = async (dryRun) => {
    setState((s) => ({ ...s, step: dryRun ? 'counting' : 'retrying', error: null }));
    try {
      const answer = await api('POST', '/notifications/retry', { ...body, dry_run: dryRun });
      if (dryRun) return setState({ step: 'confirm', count: answer.count, error: null, done: null });
      setState({ step: 'idle', count: 0, error: null, done: answer.count });
      onDone();
    } catch (error) {
      setState({ step: 'idle', count: 0, error, done: null });
    }
  };
  const close = () => setState((s) => ({ ...s, step: 'idle' }));
  return html`<div class="bulk">
    <button type="button" ref=${opener} onClick=${() => call(true)} disabled=${state.step !== 'idle'}>${state.step === 'counting' ? 'Counting…' : 'Retry all matching…'}</button>
    ${state.done !== null ? html`<p role="status" class="ok-note">${count(state.done)} notifications retried.</p>` : null}
    <${ProblemBox} error=${state.error} title="Bulk retry refused" />
    ${['confirm', 'retrying'].includes(state.step) ? html`<${Dialog} title="Retry failed notifications" onClose=${close} returnFocus=${opener}>
      <p>${state.count === 0 ? 'No failed notification matches this filter.' : `This retries ${count(state.count)} failed notifications (at most 10,000 per call).`}</p>
      <div class="actions">
        <button type="button" class="secondary" onClick=${close}>Cancel</button>
        <button type="button" onClick=${() => call(false)} disabled=${state.count === 0 || state.step === 'retrying'}>${state.step === 'retrying' ? 'Retrying…' : `Retry ${count(state.count)}`}</button>
      </div>
    </${Dialog}>` : null}
  </div>`;
}
