import { useEffect, useState } from './html.js';

/** Hash routes: `#/notifications?userid=u-1` -> { path: '/notifications', params }. */
export function parseHash(hash = location.hash) {
  const [path, search = ''] = hash.replace(/^#/, '').split('?');
  return { path: path || '/notifications', params: Object.fromEntries(new URLSearchParams(search)) };
}

export function href(path, params = {}) {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== ''));
  const text = search.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

/** Goes to `path` with `params`; already there, calls `reload` if given (a search submitted again reads again). */
export function navigate(path, params, reload) {
  const target = href(path, params);
  if (target === location.hash && reload) reload();
  else location.hash = target;
}

export function useRoute() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const changed = () => setRoute(parseHash());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

/** The id of `/section/<id>` (URL-decoded). */
export const idOf = ({ path }) => decodeURIComponent(path.split('/')[2] ?? '');
