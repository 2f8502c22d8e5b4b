import { html, useEffect, useRef, useState } from '../lib/html.js';

/**
 * Rendered email HTML in a sandboxed frame (scripts only its own, opaque origin): the frame has its
 * own policy, so the email's inline styles apply there and never on the console's page.
 */
export function HtmlPreview({ body }) {
  const frame = useRef(null);
  const [ready, setReady] = useState(false);
  // Its script has run by its load event (a message it posted could come before an effect listened).
  useEffect(() => {
    // The frame's origin is opaque ("null"), which no target origin names.
    if (ready) frame.current.contentWindow.postMessage(body, '*');
  }, [ready, body]);
  return html`<iframe ref=${frame} class="preview-frame" title="HTML preview" sandbox="allow-scripts" src="/console/preview-frame.html" onLoad=${() => setReady(true)}></iframe>`;
}
