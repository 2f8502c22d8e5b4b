import { api } from '../lib/api.js';
import { html, useEffect, useState } from '../lib/html.js';
import { idOf } from '../lib/router.js';
import { drafts } from '../lib/session.js';
import { definitionOf, sampleVariables } from '../lib/template-drafts.js';
import { useLoad } from '../lib/use-load.js';
import { ProblemBox, loadState } from '../components/feedback.js';
import { Heading } from '../components/heading.js';
import { TemplatePreview } from '../components/template-preview.js';
import { TemplateVersions } from '../components/template-versions.js';
import { VariantFields } from '../components/variant-fields.js';

/**
 * Edit a template: the latest version is the starting text; "Save draft" stores a new version
 * (a draft, not live) and the preview renders it with the sample variables; publish makes a
 * version live, and publishing an older one rolls back. Every edit is kept in this tab until saved
 * (lib/session.js drafts): a 401 that signs out midway loses nothing.
 */
export function TemplateEditor({ route }) {
  const key = idOf(route);
  const versions = useLoad(`/templates/${encodeURIComponent(key)}/versions`);
  const [draft, setDraft] = useState(() => drafts.load(key));
  const [restored, setRestored] = useState(() => drafts.load(key) !== null);
  const [previewed, setPreviewed] = useState(null);
  const [variables, setVariables] = useState('{}');
  const [save, setSave] = useState({ busy: false, error: null, note: null });
  const latest = versions.data?.versions[0]?.version;
  useEffect(() => {
    if (latest === undefined || previewed !== null) return;
    api('GET', `/templates/${encodeURIComponent(key)}/versions/${latest}`).then((v) => {
      setDraft((d) => d ?? definitionOf(v));
      setPreviewed(latest);
      setVariables(JSON.stringify(sampleVariables(v.variables), null, 2));
    }, (error) => setSave({ busy: false, error, note: null }));
  }, [latest, previewed]);
  const edit = (changed) => (drafts.keep(key, changed), setDraft(changed));
  const discard = () => (drafts.drop(key), setRestored(false), setDraft(null), setPreviewed(null));
  const saveDraft = async (event) => {
    event.preventDefault();
    setSave({ busy: true, error: null, note: null });
    try {
      const saved = await api('PUT', `/templates/${encodeURIComponent(key)}`, draft);
      drafts.drop(key);
      setRestored(false);
      setSave({ busy: false, error: null, note: `Saved as draft v${saved.version}.` });
      setPreviewed(saved.version);
      versions.reload();
    } catch (error) {
      setSave({ busy: false, error, note: null });
    }
  };
  const pending = loadState(versions, { what: 'the template', isEmpty: () => false });
  return html`<${Heading} sub="Save a draft to preview it; nothing is live until it is published.">Template <span class="mono">${key}</span></${Heading}>
    ${pending ?? html`<div class="editor">
      <form class="card" onSubmit=${saveDraft} aria-label="Draft">
        <h2>Draft</h2>
        ${restored ? html`<p class="muted restored">Your unsaved changes, kept in this tab. <button type="button" class="small secondary" onClick=${discard}>Discard them</button></p>` : null}
        ${draft ? html`<${VariantFields} draft=${draft} onChange=${edit} />` : html`<p class="loading">Loading the latest version…</p>`}
        <div class="actions"><button type="submit" disabled=${!draft || save.busy}>${save.busy ? 'Saving…' : 'Save draft'}</button></div>
        ${save.note ? html`<p role="status" class="ok-note">${save.note}</p>` : null}
        <${ProblemBox} error=${save.error} title="Draft refused" />
      </form>
      <${TemplatePreview} templateKey=${key} version=${previewed} channel=${draft?.variants[0]?.channel} variables=${variables} onVariables=${setVariables} />
    </div>
    <${TemplateVersions} templateKey=${key} versions=${versions.data.versions} previewed=${previewed} onPreview=${setPreviewed} onPublished=${versions.reload} />`}`;
}
