// The API key lives in sessionStorage only (this tab, gone when it closes); never in a URL.
const KEY = 'notification-console.api-key';
// Unsaved template drafts, by template key: kept when the service refuses the key (401), so that
// signing in again restores them; signing out drops them with the key.
const DRAFT = 'notification-console.draft.';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  /** The key was refused: forget it, keep the drafts. */
  expire: () => sessionStorage.removeItem(KEY),
  signOut: () => {
    sessionStorage.removeItem(KEY);
    Object.keys(sessionStorage).filter((k) => k.startsWith(DRAFT)).forEach((k) => sessionStorage.removeItem(k));
  },
};

/** The unsaved draft of a template (its definition as PUT /templates/{key} takes it), or null. */
export const drafts = {
  load: (template) => parse(sessionStorage.getItem(DRAFT + template)),
  keep: (template, draft) => sessionStorage.setItem(DRAFT + template, JSON.stringify(draft)),
  drop: (template) => sessionStorage.removeItem(DRAFT + template),
};

function parse(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
