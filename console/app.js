import { onUnauthorized } from './lib/api.js';
import { html, render, useEffect, useState } from './lib/html.js';
import { useRoute } from './lib/router.js';
import { session } from './lib/session.js';
import { Shell } from './components/shell.js';
import { SignIn } from './views/signin.js';
import { viewFor } from './views/index.js';

function App() {
  const [key, setKey] = useState(session.key());
  const route = useRoute();
  const signOut = () => {
    session.signOut();
    setKey(null);
  };
  useEffect(() => void onUnauthorized(signOut), []);
  if (!key) return html`<${SignIn} onSignedIn=${(k) => (session.signIn(k), setKey(k))} />`;
  const { title, View } = viewFor(route);
  return html`<${Shell} route=${route} title=${title} onSignOut=${signOut}><${View} route=${route} /></${Shell}>`;
}

const root = document.getElementById('app');
root.replaceChildren();
render(html`<${App} />`, root);
