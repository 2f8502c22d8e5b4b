import { expect } from 'chai';
import { periodStart, periodsCovering } from '../../../src/adapters/postgres/analytics-periods.js';

const shown = (from: string, to: string) => periodsCovering(new Date(from), new Date(to)).map((p) => `${p.grain} ${p.from.toISOString()} ${p.to.toISOString()}`);

describe('the analytics periods covering a window', () => {
  it('reads whole days in the middle, whole hours beside them and minutes at the edges', () => {
    expect(shown('2026-11-20T22:58:30Z', '2026-11-22T01:02:10Z')).to.deep.equal([
      '1 2026-11-20T22:59:00.000Z 2026-11-20T23:00:00.000Z',
      '60 2026-11-20T23:00:00.000Z 2026-11-21T00:00:00.000Z',
      '1440 2026-11-21T00:00:00.000Z 2026-11-22T00:00:00.000Z',
      '60 2026-11-22T00:00:00.000Z 2026-11-22T01:00:00.000Z',
      '1 2026-11-22T01:00:00.000Z 2026-11-22T01:03:00.000Z',
    ]);
  });

  it('covers the minutes starting in the window: a minute begun before from is left out, the current one is in', () => {
    expect(shown('2026-11-22T10:00:30Z', '2026-11-22T10:03:00Z')).to.deep.equal(['1 2026-11-22T10:01:00.000Z 2026-11-22T10:03:00.000Z']);
    expect(shown('2026-11-22T10:00:00Z', '2026-11-22T10:00:00Z')).to.deep.equal([]);
  });

  it('reads the default day, not aligned, from at most 59 + 23 + 59 periods', () => {
    const periods = periodsCovering(new Date('2026-11-21T10:17:12Z'), new Date('2026-11-22T10:17:12Z'));
    const rows = periods.reduce((n, p) => n + (p.to.getTime() - p.from.getTime()) / (p.grain * 60_000), 0);
    expect(rows).to.equal(42 + 23 + 18);
    expect(periodStart(new Date('2026-11-22T10:17:12Z'), 60).toISOString()).to.equal('2026-11-22T10:00:00.000Z');
  });
});
