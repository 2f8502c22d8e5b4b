import { api } from '../lib/api.js';
import { html, useState } from '../lib/html.js';
import { pretty, when } from '../lib/format.js';
import { useLoad } from '../lib/use-load.js';
import { Dialog } from './dialog.js';
import { ProblemBox, loadState } from './feedback.js';

/** One dead letter: its reason, body and headers; replay (POST .../replay) or discard (DELETE). */
export function DeadLetterDialog({ id, onClose }) {
  const letter = useLoad(`/dead-letters/${encodeURIComponent(id)}`);
  const [action, setAction] = useState({ busy: false, error: null, done: null });
  const act = async (method, path, done) => {
    setAction({ busy: true, error: null, done: null });
    try {
      await api(method, path);
      setAction({ busy: false, error: null, done });
    } catch (error) {
      setAction({ busy: false, error, done: null });
    }
  };
  const d = letter.data;
  const changed = action.done !== null;
  return html`<${Dialog} title="Dead letter" onClose=${() => onClose(changed)}>
    ${loadState(letter, { what: 'the dead letter', isEmpty: () => false }) ?? html`
      <dl class="facts">
        <div><dt>Routing key</dt><dd class="mono">${d.routing_key}</dd></div>
        <div><dt>Reason</dt><dd><span class="badge badge-bad">${d.reason}</span> ${d.detail ?? ''}</dd></div>
        <div><dt>Queue</dt><dd class="mono">${d.queue}</dd></div>
        <div><dt>Deaths</dt><dd>${d.death_count}: first ${when(d.first_death_at)}, last ${when(d.last_death_at)}</dd></div>
        <div><dt>Replayed</dt><dd>${d.replayed_at ? when(d.replayed_at) : 'never'}${d.replay_of ? ` (replay of ${d.replay_of})` : ''}</dd></div>
      </dl>
      <h3>Body <span class="muted">(${d.body_encoding})</span></h3>
      <pre class="body" tabindex="0" aria-label="Body">${bodyText(d)}</pre>
      <details><summary>Headers</summary><pre>${pretty(d.headers)}</pre></details>`}
    <${ProblemBox} error=${action.error} title="Refused" />
    ${action.done ? html`<p role="status" class="ok-note">${action.done}</p>` : null}
    <div class="actions">
      <button type="button" class="secondary" onClick=${() => onClose(changed)}>Close</button>
      <button type="button" class="danger" disabled=${!d || action.busy || changed} onClick=${() => act('DELETE', `/dead-letters/${id}`, 'Discarded.')}>Discard</button>
      <button type="button" disabled=${!d || action.busy || changed || d.replayed_at} onClick=${() => act('POST', `/dead-letters/${id}/replay`, 'Replayed: republished with its routing key.')}>Replay</button>
    </div>
  </${Dialog}>`;
}

function bodyText(d) {
  if (d.body_encoding !== 'utf8') return decoded(d.body);
  try {
    return JSON.stringify(JSON.parse(d.body), null, 2);
  } catch {
    return d.body;
  }
}

/** A body that is not UTF-8 comes as base64 (secrets redacted): shown as text if it decodes, else as the base64 itself. */
function decoded(base64) {
  try {
    const bytes = Uint8Array.from(window.atob(base64), (c) => c.charCodeAt(0));
    return new window.TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return base64;
  }
}
