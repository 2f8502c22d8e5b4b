import { expect } from 'chai';
import { type ComponentCheck, type ComponentHealth, HealthReporter, notConfigured } from '../../../src/entrypoints/health.js';

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
    expect(await reporter.ready()).to.equal(true);
  });

  it('is unhealthy and not ready when a critical component is down', async () => {
    const reporter = new HealthReporter(
      [component('primary', true, { status: 'down' }), component('standby', false, { status: 'up' })],
      TIMEOUT_MS,
    );
    expect((await reporter.report()).status).to.equal('unhealthy');
    expect(await reporter.ready()).to.equal(false);
  });

  it('is degraded but ready when only a non-critical component is down or degraded', async () => {
    for (const status of ['down', 'degraded'] as const) {
      const reporter = new HealthReporter([component('primary', true, { status: 'up' }), component('standby', false, { status })], TIMEOUT_MS);
      expect((await reporter.report()).status, status).to.equal('degraded');
      expect(await reporter.ready()).to.equal(true);
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
