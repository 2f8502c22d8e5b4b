import { html, useEffect, useRef } from '../lib/html.js';

/**
 * A modal dialog on the platform's <dialog>: showModal() makes the rest of the page inert (focus
 * stays inside), Escape closes it, and focus returns to what opened it: `returnFocus` (a ref) when
 * the opener was disabled while the dialog's content loaded (a disabled button loses focus), else
 * the element focused when it opened. Focus moves once the closing render is done (the opener may
 * be enabled again by it).
 */
export function Dialog({ title, onClose, returnFocus, children }) {
  const ref = useRef(null);
  useEffect(() => {
    const focused = document.activeElement;
    const dialog = ref.current;
    dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      const opener = returnFocus?.current ?? focused;
      setTimeout(() => {
        if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      });
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
