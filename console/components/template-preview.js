import { api } from '../lib/api.js';
import { html, useEffect, useState } from '../lib/html.js';
import { ProblemBox } from './feedback.js';
import { HtmlPreview } from './html-preview.js';
import { RenderedFields } from './notification-extras.js';

/** A version rendered with the sample variables (POST /templates/{key}/render), again as they change. */
export function TemplatePreview({ templateKey, version, channel, variables, onVariables }) {
  const [state, setState] = useState({ rendered: null, error: null, loading: false });
  useEffect(() => {
    if (!version || !channel) return;
    let parsed;
    try {
      parsed = JSON.parse(variables);
    } catch {
      return setState({ rendered: null, error: { message: 'The sample variables are not JSON.' }, loading: false });
    }
    let current = true;
    const timer = setTimeout(() => {
      setState((s) => ({ ...s, loading: true }));
      api('POST', `/templates/${encodeURIComponent(templateKey)}/render`, { channel, variables: parsed, version }).then(
        (rendered) => current && setState({ rendered, error: null, loading: false }),
        (error) => current && setState({ rendered: null, error, loading: false }),
      );
    }, 250);
    return () => ((current = false), clearTimeout(timer));
  }, [templateKey, version, channel, variables]);
  const { html: body, ...fields } = state.rendered ?? {};
  return html`<section class="card preview" aria-labelledby="preview-title" aria-busy=${state.loading}>
    <h2 id="preview-title">Preview ${version ? html`<span class="muted">of v${version}</span>` : null}</h2>
    <label>Sample variables (JSON) <textarea rows="5" spellcheck=${false} value=${variables} onInput=${(e) => onVariables(e.currentTarget.value)}></textarea></label>
    <${ProblemBox} error=${state.error} title="Preview refused" />
    ${state.rendered ? html`<div class="rendered-out" data-version=${state.rendered.version}><${RenderedFields} fields=${fields} />
      ${body ? html`<${HtmlPreview} body=${body} />` : null}</div>` : null}
  </section>`;
}
