import { expect } from 'chai';
import { PerEndpointCircuits } from '../../../src/adapters/webhook/per-endpoint-circuits.js';
import { coreFactories } from '../../../src/entrypoints/composition/core.factories.js';
import type { Resolve } from '../../../src/entrypoints/composition/factory-types.js';
import { withOpenEndpoints } from '../../../src/entrypoints/endpoint-circuits-health.js';
import { channelHealth } from '../../../src/entrypoints/pipeline-health.js';
import { endpoints, sendTimes } from '../adapters/webhook/scripted-endpoints.js';

const A = 'https://a.example/hook';
const B = 'https://b.example/hook';

/** The webhook component as the composition root builds it, over endpoints answering from a table. */
function webhookComponent(down: Set<string>) {
  const limits = { maxInFlightPerEndpoint: 4, maxInFlightPerOrigin: 50 };
  const circuits = new PerEndpointCircuits(endpoints(down), { failuresToOpen: 3, halfOpenAfterMs: 60_000, ...limits }, { stateChanged: () => undefined });
  return { circuits, component: withOpenEndpoints(channelHealth('webhook', circuits), circuits) };
}

describe('withOpenEndpoints: the webhook component of /broker/health', () => {
  it('is up, with no endpoint open', async () => {
    const { circuits, component } = webhookComponent(new Set([A]));
    await sendTimes(circuits, B, 3);
    expect(await component.check()).to.deep.equal({ status: 'up', circuit: 'closed', open_endpoints: 0 });
  });

  it('counts the endpoints whose circuit is open, and is degraded while any is (not critical: one receiver down is not an outage)', async () => {
    const { circuits, component } = webhookComponent(new Set([A, B]));
    await sendTimes(circuits, A, 3);
    await sendTimes(circuits, B, 3);
    expect([component.name, component.critical]).to.deep.equal(['webhook', false]);
    expect(await component.check()).to.deep.equal({ status: 'degraded', circuit: 'closed', open_endpoints: 2 });
  });

  it('leaves a channel that is down as it is, and adds the count', async () => {
    const down = { name: 'webhook', critical: false, check: async () => ({ status: 'down' as const, error: 'probe failed' }) };
    expect(await withOpenEndpoints(down, { openEndpoints: 1 }).check()).to.deep.equal({ status: 'down', error: 'probe failed', open_endpoints: 1 });
  });

  it("is how the composition root's report shows the webhook channel", async () => {
    const { circuits } = webhookComponent(new Set([A]));
    await sendTimes(circuits, A, 3);
    // Every other service absent: its component reads not configured or down, which is not under test.
    const get = ((name: string) => (name === 'webhookSender' ? circuits : null)) as unknown as Resolve;
    const report = await coreFactories.health(get).report();
    expect(report.components['webhook']).to.deep.equal({ status: 'degraded', circuit: 'closed', open_endpoints: 1 });
  });
});
