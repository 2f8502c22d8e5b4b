import { html, useEffect, useRef } from '../lib/html.js';

const SECTIONS = [
  ['/notifications', 'Notifications'],
  ['/failed', 'Failed'],
  ['/dead-letters', 'Dead letters'],
  ['/stream', 'Live stream'],
  ['/analytics', 'Analytics'],
  ['/templates', 'Templates'],
];

/**
 * The page around every view: a skip link, the sections, sign out. On a change of view, focus
 * moves to its heading, so a keyboard or screen reader user starts at the top of the new view.
 */
export function Shell({ route, title, onSignOut, children }) {
  const main = useRef(null);
  const first = useRef(true);
  useEffect(() => {
    document.title = `${title} · Notification console`;
    if (first.current) return void (first.current = false);
    main.current?.querySelector('h1')?.focus();
  }, [route.path]);
  const current = (path) => route.path === path || route.path.startsWith(`${path}/`);
  return html`<a class="skip-link" href="#main" onClick=${skip}>Skip to content</a>
    <header class="topbar">
      <span class="brand">Notification console</span>
      <nav aria-label="Sections">
        <ul>${SECTIONS.map(([path, label]) => html`<li><a href=${`#${path}`} aria-current=${current(path) ? 'page' : undefined}>${label}</a></li>`)}</ul>
      </nav>
      <button type="button" class="secondary" onClick=${onSignOut}>Sign out</button>
    </header>
    <main id="main" ref=${main} tabindex="-1">${children}</main>`;
}

/** The skip link's target is focused, not navigated to: the hash holds the route. */
function skip(event) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}
