/**
 * Delivery times on a fixed log scale, four buckets per doubling
 * (docs/adr/0025-analytics-from-minute-aggregates.md): bucket 0 holds times under 1 ms, bucket
 * i >= 1 holds [2^((i-1)/4), 2^(i/4)) ms, and the last one everything from 2^27 ms (37 hours) on.
 * A percentile is read as its bucket's geometric middle: within 9.1% of the true value.
 */
export const BUCKETS_PER_DOUBLING = 4;
export const HISTOGRAM_BUCKETS = 27 * BUCKETS_PER_DOUBLING + 2;

export type Histogram = readonly number[];

export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(HISTOGRAM_BUCKETS - 1, Math.floor(Math.log2(ms) * BUCKETS_PER_DOUBLING) + 1);
}

/** The value a bucket stands for: the geometric middle of its bounds (0 for bucket 0). */
export function bucketValue(bucket: number): number {
  return bucket === 0 ? 0 : 2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING);
}

/** A histogram of these times, without trailing zeros (the form stored). */
export function histogramOf(times: readonly number[]): number[] {
  return times.reduce<number[]>((buckets, ms) => addHistograms(buckets, oneAt(bucketOf(ms))), []);
}

export function addHistograms(a: Histogram, b: Histogram): number[] {
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => (a[i] ?? 0) + (b[i] ?? 0));
}

/** The `p` quantile (0 < p <= 1) in whole milliseconds; null for an empty histogram. */
export function percentile(buckets: Histogram, p: number): number | null {
  const total = buckets.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (let bucket = 0; bucket < buckets.length; bucket++) {
    seen += buckets[bucket] ?? 0;
    if (seen >= rank) return Math.round(bucketValue(bucket));
  }
  return Math.round(bucketValue(buckets.length - 1));
}

function oneAt(bucket: number): number[] {
  return Array.from({ length: bucket + 1 }, (_, i) => (i === bucket ? 1 : 0));
}
