import { expect } from 'chai';
import { DEFAULT_RETRY_SCHEDULE, type RetrySchedule, nextAttemptAt } from '../../../src/application/delivery-policy.js';
import { T0 } from '../mothers.js';

const SCHEDULE: RetrySchedule = { baseMs: 2_000, capMs: 60_000, maxAttempts: 10 };
const ALMOST_ONE = 1 - Number.EPSILON;

/** The delay nextAttemptAt chose, in milliseconds after T0. */
function delay(attemptsMade: number, random: number, schedule: RetrySchedule = SCHEDULE): number | null {
  const at = nextAttemptAt(T0, attemptsMade, schedule, () => random);
  return at === null ? null : at.getTime() - T0.getTime();
}

describe('nextAttemptAt', () => {
  it('retries at once when the jitter draws 0', () => {
    expect([1, 2, 5, 9].map((n) => delay(n, 0))).to.deep.equal([0, 0, 0, 0]);
  });

  it('stays just below the ceiling when the jitter draws almost 1', () => {
    expect(delay(1, ALMOST_ONE)).to.equal(1_999);
    expect(delay(3, ALMOST_ONE)).to.equal(7_999);
  });

  it('doubles the ceiling with each attempt made', () => {
    expect([1, 2, 3, 4, 5].map((n) => delay(n, 0.5))).to.deep.equal([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('treats no attempt made like the first', () => {
    expect(delay(0, 0.5)).to.equal(1_000);
  });

  it('never waits longer than the cap', () => {
    expect(delay(6, ALMOST_ONE)).to.equal(59_999);
    expect(delay(9, ALMOST_ONE)).to.equal(59_999);
    expect(delay(9, 0.5)).to.equal(30_000);
  });

  it('draws a whole number of milliseconds', () => {
    expect(delay(1, 0.123456)).to.equal(246);
  });

  it('gives up once attemptsMade reaches maxAttempts', () => {
    expect(delay(9, 0.5)).to.not.equal(null);
    expect(delay(10, 0.5)).to.equal(null);
    expect(delay(11, 0.5)).to.equal(null);
  });

  it('does not draw a random number when it gives up', () => {
    let draws = 0;
    expect(nextAttemptAt(T0, 10, SCHEDULE, () => ++draws && 0.5)).to.equal(null);
    expect(draws).to.equal(0);
  });

  it('has a default schedule of 2 s base, a 10 min cap and 6 attempts', () => {
    expect(DEFAULT_RETRY_SCHEDULE).to.deep.equal({ baseMs: 2_000, capMs: 600_000, maxAttempts: 6 });
    expect(nextAttemptAt(T0, 5, DEFAULT_RETRY_SCHEDULE, () => 0.5)).to.deep.equal(new Date(T0.getTime() + 16_000));
    expect(nextAttemptAt(T0, 6, DEFAULT_RETRY_SCHEDULE, () => 0.5)).to.equal(null);
  });
});
