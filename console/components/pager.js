import { html } from '../lib/html.js';

/** Previous/next over cursors: `cursors` is the stack of cursors that led to this page. */
export function Pager({ cursors, next, onPage, label }) {
  if (cursors.length === 0 && !next) return null;
  return html`<nav class="pager" aria-label=${`${label} pages`}>
    <button type="button" disabled=${cursors.length === 0} onClick=${() => onPage(cursors.slice(0, -1))}>Previous page</button>
    <button type="button" disabled=${!next} onClick=${() => onPage([...cursors, next])}>Next page</button>
  </nav>`;
}
