import { html } from '../lib/html.js';

/** A refused request as the service explained it (problem+json title and detail, field errors). */
export function ProblemBox({ error, title = 'The request failed' }) {
  if (!error) return null;
  const problem = error.problem ?? { detail: String(error.message ?? error) };
  return html`<div class="problem" role="alert">
    <strong>${title}${error.status ? ` (${error.status}${problem.title ? ` ${problem.title}` : ''})` : ''}</strong>
    <p>${problem.detail ?? error.message}</p>
    ${problem.errors?.length ? html`<ul>${problem.errors.map((e) => html`<li><code>${e.field}</code>: ${e.message}</li>`)}</ul>` : null}
  </div>`;
}

export function Loading({ what = 'Loading' }) {
  return html`<p class="loading" role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span>${what}…</p>`;
}

export function Empty({ children }) {
  return html`<div class="empty" role="status">${children}</div>`;
}

/** What a view shows until it has data, when it failed, or when it found nothing; null once there is data to show. */
export function loadState({ error, data }, { what, empty, isEmpty }) {
  if (error) return html`<${ProblemBox} error=${error} title=${`Could not load ${what}`} />`;
  if (!data) return html`<${Loading} what=${`Loading ${what}`} />`;
  if (data && isEmpty(data)) return html`<${Empty}>${empty}</${Empty}>`;
  return null;
}
