import { api } from './api.js';
import { useCallback, useEffect, useState } from './html.js';

/** Loads `path` whenever it changes: { data, error, loading, reload }. A null path loads nothing. */
export function useLoad(path) {
  const [state, setState] = useState({ data: null, error: null, loading: path !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return setState({ data: null, error: null, loading: false });
    let current = true;
    setState((s) => ({ ...s, error: null, loading: true }));
    api('GET', path).then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error) => current && setState({ data: null, error, loading: false }),
    );
    return () => (current = false);
  }, [path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
