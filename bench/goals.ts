import type { BenchResult, Goal } from './results.js';
import { round } from './util.js';

function goal(name: string, target: string, unit: string, value: number | null | undefined, ok: (v: number) => boolean): Goal {
  if (value === null || value === undefined || Number.isNaN(value)) return { name, target, unit, value: null, pass: null };
  return { name, target, unit, value: round(value, 2), pass: ok(value) };
}

/** The goals, each a ratio or bound from this one run. */
export function evaluateGoals(r: BenchResult): Goal[] {
  const smtpBound = r.raw?.smtp.best.rate;
  const e2e = r.e2e?.throughput;
  const halfLoad = r.latency?.find((l) => l.percentOfMax === 50);
  const peaks = Object.values(r.serviceRssMb ?? {});
  const peakRss = peaks.length > 0 ? Math.max(...peaks) : undefined;
  // Each channel gets a quarter of the mixed events: a channel whose own sender holds it back
  // (a small pool, a slow client) finishes its quarter later than the others.
  const mixedRates = r.mixed?.channels.map((c) => c.rate) ?? [];
  const worstSearch = r.search ? Math.max(...r.search.cases.map((c) => c.oneAtATime.p99)) : undefined;
  const slowestToFastest = mixedRates.length > 0 ? Math.min(...mixedRates) / Math.max(...mixedRates) : undefined;
  return [
    goal('end-to-end throughput / raw SMTP bound', '≥ 0.85', '', e2e !== undefined && smtpBound ? e2e / smtpBound : undefined, (v) => v >= 0.85),
    goal('p99 publish → SMTP acceptance at 50% load', '≤ 100 ms', 'ms', halfLoad?.p99, (v) => v <= 100),
    goal('peak RSS of the service', '≤ 256 MB', 'MB', peakRss, (v) => v <= 256),
    goal('RSS growth over the second half of the soak', '≤ 5 %', '%', r.soak?.secondHalfGrowthPct, (v) => v <= 5),
    goal('backlog drain rate / end-to-end throughput', '≥ 0.8', '', r.backlog && e2e ? r.backlog.rate / e2e : undefined, (v) => v >= 0.8),
    goal('scheduled firing rate / end-to-end throughput (at pipeline speed)', '≥ 0.8', '', r.schedules && e2e ? r.schedules.rate / e2e : undefined, (v) => v >= 0.8),
    goal('history p99 at 500 requests/s', '≤ 25 ms', 'ms', r.history?.service.p99, (v) => v <= 25),
    goal('notification search p99 one request at a time, worst filter, 1,000,000 rows', '≤ 25 ms', 'ms', worstSearch, (v) => v <= 25),
    goal('mixed traffic: slowest channel / fastest channel delivered/s', '≥ 0.9', '', slowestToFastest, (v) => v >= 0.9),
  ];
}
