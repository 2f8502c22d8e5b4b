import { api } from '../lib/api.js';
import { gapOf, scopeOf } from '../lib/bulk-retry-scope.js';
import { count } from '../lib/format.js';
import { html, useRef, useState } from '../lib/html.js';
import { Dialog } from './dialog.js';
import { ProblemBox } from './feedback.js';

/**
 * Bulk retry, in two steps: a dry run counts what the filter selects (POST /notifications/retry
 * with dry_run), then a dialog says which those are, why rows listed are left out (`listed`: the
 * rows shown, when they are all the list selects) and asks to confirm that number.
 */
export function BulkRetry({ filter, listed, onDone }) {
  const [state, setState] = useState({ step: 'idle', answer: null, gap: null, error: null, done: null });
  const opener = useRef(null);
  const body = Object.fromEntries(Object.entries({ status: 'failed', ...filter }).filter(([, v]) => v));
  const call = async (dryRun) => {
    setState((s) => ({ ...s, step: dryRun ? 'counting' : 'retrying', error: null }));
    try {
      const answer = await api('POST', '/notifications/retry', { ...body, dry_run: dryRun });
      if (dryRun) return setState({ step: 'confirm', answer, gap: await gapOf(listed, answer, body.failed_since).catch(() => null), error: null, done: null });
      setState({ step: 'idle', answer: null, gap: null, error: null, done: answer });
      onDone();
    } catch (error) {
      setState({ step: 'idle', answer: null, gap: null, error, done: null });
    }
  };
  const close = () => setState((s) => ({ ...s, step: 'idle' }));
  const { answer, done } = state;
  const scope = scopeOf(body);
  return html`<div class="bulk">
    <button type="button" ref=${opener} onClick=${() => call(true)} disabled=${state.step !== 'idle'}>${state.step === 'counting' ? 'Counting…' : 'Retry all matching…'}</button>
    ${done ? html`<p role="status" class="ok-note">${count(done.count)} notifications retried.${done.remaining ? ` ${count(done.remaining)} still match: retry again for them.` : ''}</p>` : null}
    <${ProblemBox} error=${state.error} title="Bulk retry refused" />
    ${['confirm', 'retrying'].includes(state.step) ? html`<${Dialog} title="Retry failed notifications" onClose=${close} returnFocus=${opener}>
      <p>${answer.count === 0 ? `No failed notification ${scope} is left to retry.` : `This retries ${count(answer.count)} failed notifications ${scope} (at most 10,000 per call).`}
        ${' '}A bulk retry takes only those never retried before whose one-time secrets are still kept.</p>
      ${answer.remaining ? html`<p>${count(answer.remaining)} more match: run it again for them.</p>` : null}
      ${state.gap ? html`<p class="muted">${state.gap}</p>` : null}
      <div class="actions">
        <button type="button" class="secondary" onClick=${close}>Cancel</button>
        <button type="button" onClick=${() => call(false)} disabled=${answer.count === 0 || state.step === 'retrying'}>${state.step === 'retrying' ? 'Retrying…' : `Retry ${count(answer.count)}`}</button>
      </div>
    </${Dialog}>` : null}
  </div>`;
}
