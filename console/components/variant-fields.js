import { html, useState } from '../lib/html.js';
import { FIELDS } from '../lib/template-drafts.js';

/** The texts of one variant (channel and locale) of a draft, the variant chosen from a list. */
export function VariantFields({ draft, onChange }) {
  const [index, setIndex] = useState(0);
  const variant = draft.variants[index] ?? draft.variants[0];
  const set = (field, value) => onChange({ ...draft, variants: draft.variants.map((v, i) => (i === index ? { ...v, [field]: value } : v)) });
  return html`<label>Description <input value=${draft.description} onInput=${(e) => onChange({ ...draft, description: e.currentTarget.value })} /></label>
    ${draft.variants.length > 1 ? html`<label>Variant <select value=${index} onChange=${(e) => setIndex(Number(e.currentTarget.value))}>
      ${draft.variants.map((v, i) => html`<option value=${i}>${v.channel} · ${v.locale}</option>`)}</select></label>` : html`<p class="muted">Variant: ${variant.channel} · ${variant.locale}</p>`}
    ${FIELDS[variant.channel].map((field) => html`<label>${field}
      <textarea name=${field} rows=${field === 'html' ? 10 : field === 'subject' || field === 'title' ? 1 : 5} spellcheck=${false}
        value=${variant[field] ?? ''} onInput=${(e) => set(field, e.currentTarget.value)}></textarea></label>`)}`;
}
