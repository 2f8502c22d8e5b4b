import { query } from '../lib/api.js';
import { count, ms, percent } from '../lib/format.js';
import { html, useMemo } from '../lib/html.js';
import { navigate } from '../lib/router.js';
import { useLoad } from '../lib/use-load.js';
import { TimeChart } from '../components/chart.js';
import { loadState } from '../components/feedback.js';
import { Heading } from '../components/heading.js';

const RANGES = { '1h': [3600, 'minute'], '24h': [86400, 'hour'], '7d': [7 * 86400, 'hour'] };

/** Delivery rate per channel, delivery time percentiles and failure reasons over time (/analytics/summary, /analytics/timeseries). */
export function Analytics({ route }) {
  const range = RANGES[route.params.range] ? route.params.range : '24h';
  const [seconds, interval] = RANGES[range];
  const span = useMemo(() => {
    const to = new Date();
    return { from: new Date(to.getTime() - seconds * 1000).toISOString(), to: to.toISOString() };
  }, [range]);
  const summary = useLoad(`/analytics/summary${query(span)}`);
  const series = useLoad(`/analytics/timeseries${query({ ...span, interval })}`);
  return html`<${Heading} sub="Delivered means accepted by the provider; receipts are counted apart.">Analytics</${Heading}>
    <div class="toolbar" role="group" aria-label="Time range">
      ${Object.keys(RANGES).map((r) => html`<button type="button" class=${r === range ? '' : 'secondary'} aria-pressed=${r === range} onClick=${() => navigate('/analytics', { range: r })}>Last ${r}</button>`)}
    </div>
    ${loadState(summary, { what: 'the summary', isEmpty: () => false }) ?? html`<${Summary} s=${summary.data} />`}
    ${loadState(series, { what: 'the time series', empty: 'No notifications in this range.', isEmpty: (d) => d.points.length === 0 }) ?? html`<${Series} points=${series.data.points} />`}`;
}

function Summary({ s }) {
  const rates = Object.entries(s.by_channel_delivery_rates ?? {});
  return html`<section class="cards" aria-label="Summary">
    <div class="card stat"><span class="stat-label">Notifications</span><span class="stat-value">${count(s.total)}</span></div>
    ${['sent', 'failed', 'suppressed'].map((k) => html`<div class=${`card stat stat-${k}`}><span class="stat-label">${k}</span><span class="stat-value">${count(s.by_status?.[k])}</span></div>`)}
    <div class="card stat"><span class="stat-label">Delivery time p50 / p95 / p99</span><span class="stat-value small">${ms(s.delivery_time_ms?.p50)} / ${ms(s.delivery_time_ms?.p95)} / ${ms(s.delivery_time_ms?.p99)}</span></div>
  </section>
  <section aria-labelledby="rates-title"><h2 id="rates-title">Delivery rate per channel</h2>
    ${rates.length === 0 ? html`<p class="muted">No deliveries in this range.</p>` : html`<table class="rates"><caption class="visually-hidden">Delivery rate per channel</caption>
      <thead><tr><th scope="col">Channel</th><th scope="col">Rate</th><th scope="col">Delivered</th><th scope="col">Total</th></tr></thead>
      <tbody>${rates.map(([channel, r]) => html`<tr><th scope="row">${channel}</th><td><meter min="0" max="1" low="0.9" optimum="1" value=${r.rate ?? 0}></meter> ${percent(r.rate)}</td><td class="num">${count(r.delivered)}</td><td class="num">${count(r.total)}</td></tr>`)}</tbody>
    </table>`}
  </section>`;
}

function Series({ points }) {
  const reasons = [...new Set(points.flatMap((p) => Object.keys(p.failure_reasons ?? {})))];
  const outcomes = useMemo(() => ['sent', 'failed', 'suppressed'].map((k) => ({ label: k, value: (p) => p[k] ?? 0, color: colour(k) })), []);
  const times = useMemo(() => ['p50', 'p95', 'p99'].map((k) => ({ label: k, value: (p) => p.delivery_time_ms?.[k] ?? null })), []);
  const failures = useMemo(() => reasons.map((r) => ({ label: r, value: (p) => p.failure_reasons?.[r] ?? 0 })), [reasons.join()]);
  return html`<section aria-labelledby="series-title"><h2 id="series-title">Over time</h2>
    <${TimeChart} title="Outcomes" points=${points} series=${outcomes} />
    <${TimeChart} title="Delivery time percentiles" points=${points} series=${times} unit=" ms" />
    ${reasons.length === 0 ? html`<p class="muted">No failures in this range.</p>` : html`<${TimeChart} title="Failure reasons" points=${points} series=${failures} />`}
  </section>`;
}

/** Canvas strokes cannot take var(): the status colours are read from the page's custom properties. */
const colour = (status) => getComputedStyle(document.documentElement).getPropertyValue(`--${status}`).trim();
