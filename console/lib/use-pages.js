import { useCallback, useEffect, useState } from './html.js';

/**
 * Cursor pages from `load(cursor)` (null: nothing to load yet), reloaded when `key` changes:
 * { data, error, loading, cursors, setCursors, reload }.
 */
export function usePages(load, key) {
  const [cursors, setCursors] = useState([]);
  const [state, setState] = useState({ data: null, error: null, loading: false });
  const [tick, setTick] = useState(0);
  useEffect(() => setCursors([]), [key]);
  useEffect(() => {
    if (load === null) return setState({ data: null, error: null, loading: false });
    let current = true;
    setState((s) => ({ ...s, error: null, loading: true }));
    load(cursors.at(-1)).then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error) => current && setState({ data: null, error, loading: false }),
    );
    return () => (current = false);
  }, [key, cursors, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, cursors, setCursors, reload };
}
