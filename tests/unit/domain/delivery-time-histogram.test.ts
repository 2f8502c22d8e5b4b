import { expect } from 'chai';
import { HISTOGRAM_BUCKETS, addHistograms, bucketOf, histogramOf, percentile } from '../../../src/domain/delivery-time-histogram.js';

describe('the delivery time histogram', () => {
  it('puts times on a log scale of four buckets per doubling, under 1 ms in bucket 0 and days in the last', () => {
    expect([0, 0.5, 1, 1.18, 1.19, 2, 1_000, 60_000].map(bucketOf)).to.deep.equal([0, 0, 1, 1, 2, 5, 40, 64]);
    expect(bucketOf(7 * 86_400_000)).to.equal(HISTOGRAM_BUCKETS - 1);
    expect(bucketOf(Number.NaN)).to.equal(0);
  });

  it('reads percentiles within 9.1% of the exact ones, for times from 1 ms to an hour', () => {
    const times = Array.from({ length: 10_000 }, (_, i) => Math.round(1.001 ** i * 1.5));
    const buckets = histogramOf(times);
    const sorted = [...times].sort((a, b) => a - b);
    for (const p of [0.5, 0.9, 0.95, 0.99, 0.999]) {
      const exact = sorted[Math.ceil(p * sorted.length) - 1]!;
      const read = percentile(buckets, p)!;
      expect(Math.abs(read - exact) / exact, `p${p * 100}: ${read} vs ${exact}`).to.be.at.most(0.091);
    }
  });

  it('stores no trailing zeros and adds histograms of different lengths', () => {
    expect(histogramOf([1, 1, 2])).to.deep.equal([0, 2, 0, 0, 0, 1]);
    expect(addHistograms([1, 2], [0, 0, 0, 4])).to.deep.equal([1, 2, 0, 4]);
    expect(percentile([], 0.5)).to.equal(null);
  });
});
