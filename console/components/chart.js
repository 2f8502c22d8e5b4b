import uPlot from 'uplot';
import { html, useEffect, useRef } from '../lib/html.js';

const PALETTE = ['--c1', '--c2', '--c3', '--c4', '--c5', '--c6'];

/** The y axis's width for its longest label ("1200 ms"): uPlot's default 50 px clips the first digits. */
const labelRoom = (_u, values) => 24 + 8 * Math.max(3, ...(values ?? []).map((v) => String(v).length));

/**
 * A time series chart (uPlot, canvas) with the same numbers as a table beside it for keyboard
 * and screen reader users. `points`: [{at, ...}]; `series`: [{label, value(point), color?}].
 */
export function TimeChart({ title, points, series, unit = '' }) {
  const box = useRef(null);
  useEffect(() => {
    const css = getComputedStyle(document.documentElement);
    const color = (s, i) => s.color ?? css.getPropertyValue(PALETTE[i % PALETTE.length]).trim();
    const data = [points.map((p) => Date.parse(p.at) / 1000), ...series.map((s) => points.map((p) => s.value(p) ?? null))];
    const axis = { stroke: css.getPropertyValue('--fg-muted').trim(), grid: { stroke: css.getPropertyValue('--line').trim() } };
    const options = {
      width: box.current.clientWidth || 600,
      height: 220,
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: color(s, i), width: 2, value: (_u, v) => (v === null ? '—' : `${v}${unit}`) }))],
      axes: [axis, { ...axis, values: (_u, ticks) => ticks.map((t) => `${t}${unit}`), size: labelRoom }],
    };
    const chart = new uPlot(options, data, box.current);
    const resize = new ResizeObserver(() => chart.setSize({ width: box.current.clientWidth, height: 220 }));
    resize.observe(box.current);
    return () => (resize.disconnect(), chart.destroy());
  }, [points, series]);
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <div ref=${box} class="chart-box" role="img" aria-label=${`${title}: chart; the table below has the same numbers`}></div>
    <details><summary>${title} as a table</summary>
      <div class="table-wrap"><table><caption class="visually-hidden">${title}</caption>
        <thead><tr><th scope="col">Time</th>${series.map((s) => html`<th scope="col">${s.label}</th>`)}</tr></thead>
        <tbody>${points.map((p) => html`<tr><th scope="row">${new Date(p.at).toLocaleString()}</th>${series.map((s) => html`<td class="num">${s.value(p) ?? '—'}${s.value(p) === null || s.value(p) === undefined ? '' : unit}</td>`)}</tr>`)}</tbody>
      </table></div>
    </details>
  </figure>`;
}
