const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export const when = (iso) => (iso ? dateTime.format(new Date(iso)) : '—');
export const ms = (n) => (n === null || n === undefined ? '—' : n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(2)} s`);
export const percent = (rate) => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);
export const count = (n) => (n ?? 0).toLocaleString();
export const pretty = (value) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));
/** A date input's `YYYY-MM-DD` -> that day's local midnight as an ISO instant (what GET /notifications takes); '' when not a date. */
export const localMidnight = (day) => {
  const at = day ? new Date(`${day}T00:00`) : new Date(NaN);
  return Number.isNaN(at.getTime()) ? '' : at.toISOString();
};
