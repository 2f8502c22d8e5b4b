import { onUnauthorized } from './lib/api.js';
import { html, render, useEffect, useState } from './lib/html.js';
import { useRoute } from './lib/router.js';
import { session } from './lib/session.js';
import { Shell } from './components/shell.js';
import { SignIn } from './views/signin.js';
import { viewFor } from './views/index.js';

function App() {
  const [key, setKey] = useState(session.key());
  const [expired, setExpired] = useState(false);
  const route = useRoute();
  const signOut = () => {
    session.signOut();
    setKey(null);
  };
  // A 401 mid-session: sign in again where the user was, with their unsaved drafts kept.
  const expire = () => {
    session.expire();
    setExpired(true);
    setKey(null);
  };
  useEffect(() => void onUnauthorized(expire), []);
  if (!key) return html`<${SignIn} expired=${expired} onSignedIn=${(k) => (session.signIn(k), setExpired(false), setKey(k))} />`;
  const { title, View } = viewFor(route);
  return html`<${Shell} route=${route} title=${title} onSignOut=${signOut}><${View} key=${route.path} route=${route} /></${Shell}>`;
}

const root = document.getElementById('app');
root.replaceChildren();
render(html`<${App} />`, root);
