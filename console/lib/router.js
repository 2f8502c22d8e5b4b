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

export function navigate(path, params) {
  location.hash = href(path, params);
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
