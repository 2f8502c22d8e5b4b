import { expect } from 'chai';
import { backoffDelay, jittered } from '../../../src/application/backoff.js';
import { DEFAULT_RETRY_PLANS, PlannedRetrySchedule } from '../../../src/application/delivery/retry-plans.js';
import { PRIORITIES } from '../../../src/domain/priority.js';
import { T0 } from '../mothers.js';

const after = (date: Date | null) => (date === null ? null : (date.getTime() - T0.getTime()) / 1000);

describe('the retry plans', () => {
  it('are the defaults per priority, in seconds after each try', () => {
    const seconds = Object.fromEntries(PRIORITIES.map((p) => [p, DEFAULT_RETRY_PLANS[p].map((ms) => ms / 1000)]));
    expect(seconds).to.deep.equal({
      critical: [1, 5, 15, 60, 300, 900],
      high: [5, 30, 120, 600, 1800],
      normal: [10, 60, 300, 900, 3600],
      low: [60, 600, 3600],
    });
  });

  it('schedule each retry at its planned delay, and give up when the plan is used up', () => {
    const schedule = new PlannedRetrySchedule(DEFAULT_RETRY_PLANS, () => 0.5);
    expect([1, 2, 3, 4].map((n) => after(schedule.retryAt('low', n, T0)))).to.deep.equal([60, 600, 3600, null]);
    expect(after(schedule.retryAt('critical', 6, T0))).to.equal(900);
    expect(schedule.retryAt('critical', 7, T0)).to.equal(null);
  });

  it('move each delay by at most ±20 %', () => {
    expect(after(new PlannedRetrySchedule(DEFAULT_RETRY_PLANS, () => 0).retryAt('normal', 1, T0))).to.equal(8);
    expect(after(new PlannedRetrySchedule(DEFAULT_RETRY_PLANS, () => 0.999999).retryAt('normal', 1, T0))).to.be.closeTo(12, 0.001);
  });

  it('honour a provider Retry-After longer than the plan, up to an hour', () => {
    const schedule = new PlannedRetrySchedule(DEFAULT_RETRY_PLANS, () => 0.5);
    expect(after(schedule.retryAt('critical', 1, T0, 30_000))).to.equal(30);
    expect(after(schedule.retryAt('critical', 1, T0, 10))).to.equal(1);
    expect(after(schedule.retryAt('critical', 1, T0, 86_400_000))).to.equal(3600);
  });

  it('defer a provider-down notification on the doubling backoff, capped at five minutes', () => {
    const schedule = new PlannedRetrySchedule(DEFAULT_RETRY_PLANS, () => 0.999999);
    expect([1, 2, 3, 8, 9, 50].map((n) => Math.round(after(schedule.deferUntil(n, T0)) ?? 0))).to.deep.equal([2, 4, 8, 256, 300, 300]);
  });
});

describe('backoffDelay', () => {
  it('draws from zero up to the doubling ceiling (full jitter), capped', () => {
    const policy = { initialMs: 100, maxMs: 1_000 };
    expect([1, 2, 3, 4, 5, 40].map((n) => backoffDelay(n, policy, () => 1))).to.deep.equal([100, 200, 400, 800, 1_000, 1_000]);
    expect(backoffDelay(3, policy, () => 0)).to.equal(0);
    expect(backoffDelay(0, policy, () => 1)).to.equal(100);
  });
});

describe('jittered', () => {
  it('moves a delay uniformly within ±fraction', () => {
    expect([0, 0.5, 1].map((r) => jittered(10_000, 0.2, () => r))).to.deep.equal([8_000, 10_000, 12_000]);
  });
});
