import { html } from '../lib/html.js';

/** A view's title: focusable from script (the shell moves focus here on navigation), not in the tab order. */
export function Heading({ children, sub }) {
  return html`<div class="view-head"><h1 tabindex="-1">${children}</h1>${sub ? html`<p class="sub">${sub}</p>` : null}</div>`;
}
