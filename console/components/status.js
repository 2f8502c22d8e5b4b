import { html } from '../lib/html.js';

export const TONE_CLASS = { sent: 'ok', delivered: 'ok', failed: 'bad', undelivered: 'bad', suppressed: 'muted', pending: 'wait', scheduled: 'wait', sending: 'wait', retrying: 'wait' };

/** A status as a coloured badge; the word is always shown, so colour is never the only signal. */
export function Status({ status }) {
  return html`<span class=${`badge badge-${TONE_CLASS[status] ?? 'muted'}`}>${status}</span>`;
}
