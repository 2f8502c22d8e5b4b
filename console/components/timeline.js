import { html } from '../lib/html.js';
import { ms, pretty, when } from '../lib/format.js';
import { Status, TONE_CLASS } from './status.js';

/** An attempt's outcome (src/domain/delivery-attempt.ts) in the status colours: accepted green, permanent red, the rest amber. */
const OUTCOME_TONE = { accepted: 'sent', permanent_failure: 'failed', transient_failure: 'retrying', ambiguous: 'retrying', provider_down: 'retrying' };

/** The attempts in order, each with its provider's answer; then where the notification stands now. */
export function Timeline({ notification: n }) {
  const attempts = n.attempts ?? [];
  return html`<section aria-labelledby="timeline-title">
    <h2 id="timeline-title">Timeline</h2>
    <ol class="timeline">
      <li class="tl-item"><span class="tl-dot"></span><div><strong>Accepted</strong> <time datetime=${n.created_at}>${when(n.created_at)}</time></div></li>
      ${attempts.map((a) => html`<li class="tl-item" key=${a.number}>
        <span class=${`tl-dot tl-${OUTCOME_TONE[a.outcome] ?? 'retrying'}`}></span>
        <div>
          <strong>Attempt ${a.number}</strong> <span class=${`badge badge-${TONE_CLASS[OUTCOME_TONE[a.outcome]] ?? 'wait'}`}>${a.outcome.replace(/_/g, ' ')}</span>
          · <time datetime=${a.attempted_at}>${when(a.attempted_at)}</time> · ${ms(a.latency_ms)}
          ${a.error ? html`<p class="tl-error">${a.error}</p>` : null}
          ${a.response ? html`<details><summary>Provider response</summary><pre>${pretty(a.response)}</pre></details>` : null}
        </div>
      </li>`)}
      ${attempts.length === 0 ? html`<li class="tl-item"><span class="tl-dot"></span><div>No attempt yet${n.deferrals ? ` (${n.deferrals} deferred)` : ''}.</div></li>` : null}
      <li class="tl-item"><span class=${`tl-dot tl-${n.status}`}></span><div><strong>Now</strong> <${Status} status=${n.status} /> ${n.reason ?? ''}</div></li>
    </ol>
  </section>`;
}
