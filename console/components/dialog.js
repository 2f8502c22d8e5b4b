import { html, useEffect, useRef } from '../lib/html.js';

/**
 * A modal dialog on the platform's <dialog>: showModal() makes the rest of the page inert (focus
 * stays inside), Escape closes it, and focus returns to what opened it.
 */
export function Dialog({ title, onClose, children }) {
  const ref = useRef(null);
  useEffect(() => {
    const opener = document.activeElement;
    const dialog = ref.current;
    dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);
  const cancel = (event) => {
    event.preventDefault();
    onClose();
  };
  return html`<dialog ref=${ref} class="dialog" aria-labelledby="dialog-title" onCancel=${cancel}>
    <h2 id="dialog-title">${title}</h2>
    ${children}
  </dialog>`;
}
