import { expect } from 'chai';
import { type ComponentCheck, type ComponentHealth, HealthReporter, Readiness, notConfigured } from '../../../src/entrypoints/health.js';

function component(name: string, critical: boolean, health: ComponentHealth): ComponentCheck {
  return { name, critical, check: async () => health };
}

const TIMEOUT_MS = 20;

describe('HealthReporter', () => {
  it('is healthy when every component is up or not configured', async () => {
    const reporter = new HealthReporter([component('primary', true, { status: 'up', latency_ms: 3 }), notConfigured('smtp')], TIMEOUT_MS);
    expect(await reporter.report()).to.deep.equal({
      status: 'healthy',
      components: { primary: { status: 'up', latency_ms: 3 }, smtp: { status: 'not_configured' } },
    });
  });

  it('is unhealthy when a critical component is down', async () => {
    const reporter = new HealthReporter(
      [component('primary', true, { status: 'down' }), component('standby', false, { status: 'up' })],
      TIMEOUT_MS,
    );
    expect((await reporter.report()).status).to.equal('unhealthy');
  });

  it('is degraded when only a non-critical component is down or degraded', async () => {
    for (const status of ['down', 'degraded'] as const) {
      const reporter = new HealthReporter([component('primary', true, { status: 'up' }), component('standby', false, { status })], TIMEOUT_MS);
      expect((await reporter.report()).status, status).to.equal('degraded');
      }
  });

  it('reports a check that never answers as down once the timeout passes', async () => {
    const hung: ComponentCheck = { name: 'primary', critical: true, check: () => new Promise<ComponentHealth>(() => undefined) };
    const started = performance.now();
    const report = await new HealthReporter([hung, component('standby', false, { status: 'up' })], TIMEOUT_MS).report();
    expect(performance.now() - started).to.be.below(500);
    expect(report).to.deep.equal({
      status: 'unhealthy',
      components: { primary: { status: 'down', error: 'no answer within 20 ms' }, standby: { status: 'up' } },
    });
  });

  it('reports a check that throws or rejects as down with its message', async () => {
    const rejects: ComponentCheck = { name: 'rabbitmq', critical: false, check: async () => Promise.reject(new Error('ECONNREFUSED')) };
    const throws: ComponentCheck = {
      name: 'smtp',
      critical: false,
      check: () => {
        throw new Error('no transport');
      },
    };
    expect(await new HealthReporter([rejects, throws], TIMEOUT_MS).report()).to.deep.equal({
      status: 'degraded',
      components: { rabbitmq: { status: 'down', error: 'ECONNREFUSED' }, smtp: { status: 'down', error: 'no transport' } },
    });
  });
});

describe('HealthReporter caching', () => {
  it('runs the checks at most once per interval however often it is asked', async () => {
    let runs = 0;
    const counting: ComponentCheck = { name: 'primary', critical: true, check: async () => (runs++, { status: 'up' }) };
    const reporter = new HealthReporter([counting], TIMEOUT_MS, 60_000);
    await Promise.all(Array.from({ length: 20 }, () => reporter.report()));
    expect(runs).to.equal(1);
  });
});

describe('Readiness', () => {
  it('is ready while the primary answers, and not once shutdown starts, whatever the broker does', async () => {
    let shuttingDown = false;
    const readiness = new Readiness(() => shuttingDown, async () => true, 0);
    expect(await readiness.ready()).to.equal(true);
    shuttingDown = true;
    expect(await readiness.ready()).to.equal(false);
  });

  it('is not ready while the primary does not answer, or fails', async () => {
    expect(await new Readiness(() => false, async () => false, 0).ready()).to.equal(false);
    expect(await new Readiness(() => false, () => Promise.reject(new Error('ECONNREFUSED')), 0).ready()).to.equal(false);
  });

  it('asks the primary at most once per interval however often it is probed', async () => {
    let asked = 0;
    const readiness = new Readiness(() => false, async () => (asked++, true), 60_000);
    await Promise.all(Array.from({ length: 50 }, () => readiness.ready()));
    expect(asked).to.equal(1);
  });
});
