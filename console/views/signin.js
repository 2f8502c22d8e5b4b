import { api } from '../lib/api.js';
import { html, useState } from '../lib/html.js';
import { ProblemBox } from '../components/feedback.js';

/**
 * Sign in with an API key: checked by a read any key with notifications:read may make (a history page),
 * kept in sessionStorage for this tab only, and sent as a Bearer token; never put in a URL. After a
 * 401 mid-session (`expired`) it says so: the view and its unsaved drafts come back once signed in.
 */
export function SignIn({ expired, onSignedIn }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    const key = new FormData(event.currentTarget).get('key').trim();
    setBusy(true);
    setError(null);
    try {
      await api('GET', '/notifications/history/console-sign-in?limit=1', undefined, key);
      onSignedIn(key);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return html`<main id="main" class="signin" tabindex="-1">
    <form class="card" onSubmit=${submit} method="post" action="#" autocomplete="off">
      <h1>Notification console</h1>
      ${expired ? html`<p class="problem" role="alert">The service refused the key (it was revoked, or expired): sign in again. Unsaved template drafts are kept.</p>` : null}
      <p>Sign in with an API key. It is kept in this tab only (session storage) and sent in the Authorization header.</p>
      <label for="api-key">API key</label>
      <input id="api-key" name="key" type="password" required autofocus spellcheck=${false} />
      <button type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
      <${ProblemBox} error=${error} title="Sign in refused" />
    </form>
  </main>`;
}
