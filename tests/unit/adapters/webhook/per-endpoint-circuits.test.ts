import { expect } from 'chai';
import { endpointOf, PerEndpointCircuits } from '../../../../src/adapters/webhook/per-endpoint-circuits.js';
import type { ChannelSender, OutgoingMessage } from '../../../../src/application/ports/channel-sender.js';
import type { SendOutcome } from '../../../../src/domain/send-outcome.js';
import { accepted, providerDown } from '../../mothers.js';

function to(recipient: string): OutgoingMessage {
  return { notificationId: `n-${recipient}`, notificationType: 'order_status_update', userId: null, recipient, correlationId: null, content: { channel: 'webhook', payload: '{}' } };
}

/** A webhook sender whose endpoints answer from a table (down or up), counting what reached each. */
function endpoints(down: Set<string>) {
  const reached = new Map<string, number>();
  const sender = {
    channel: 'webhook' as const,
    reached,
    send: (message: OutgoingMessage): Promise<SendOutcome> => {
      reached.set(message.recipient, (reached.get(message.recipient) ?? 0) + 1);
      return Promise.resolve(down.has(message.recipient) ? providerDown({ error: 'the endpoint is failing: HTTP 503' }) : accepted('HTTP 200'));
    },
  };
  return sender satisfies ChannelSender;
}

function guarded(inner: ChannelSender, capacity?: number) {
  const changes: string[] = [];
  const circuits = new PerEndpointCircuits(inner, { failuresToOpen: 3, halfOpenAfterMs: 60_000 }, { stateChanged: (endpoint, state) => changes.push(`${endpoint} ${state}`) }, capacity);
  return { circuits, changes };
}

async function sendTimes(sender: ChannelSender, recipient: string, n: number): Promise<SendOutcome[]> {
  const outcomes: SendOutcome[] = [];
  for (let i = 0; i < n; i++) outcomes.push(await sender.send(to(recipient)));
  return outcomes;
}

const A = 'https://a.example/hook';
const B = 'https://b.example/hook';

describe('PerEndpointCircuits', () => {
  it("opens a failing endpoint's circuit only: it answers provider_down, not attempted, while another endpoint still gets its sends", async () => {
    const inner = endpoints(new Set([A]));
    const { circuits, changes } = guarded(inner);
    const atA = await sendTimes(circuits, A, 5);
    const atB = await sendTimes(circuits, B, 2);

    expect(atA.map((o) => o.kind === 'provider_down' && o.attempted)).to.deep.equal([true, true, true, false, false]);
    expect(atA[4]).to.deep.include({ error: 'webhook circuit open: the endpoint is failing: HTTP 503' });
    expect(atB.map((o) => o.kind)).to.deep.equal(['accepted', 'accepted']);
    expect(Object.fromEntries(inner.reached)).to.deep.equal({ [A]: 3, [B]: 2 });
    expect(changes).to.deep.equal(['https://a.example:443 open']);
    expect(circuits.openEndpoints).to.equal(1);
  });

  it('tells the worker the channel is closed, whatever its endpoints, so webhooks stay claimable', async () => {
    const { circuits } = guarded(endpoints(new Set([A])));
    await sendTimes(circuits, A, 3);
    expect(circuits.circuit).to.equal('closed');
    expect(circuits.configurationFault).to.equal(null);
  });

  it('shares one circuit between the URLs of one origin, the default port spelled or not', async () => {
    const other = 'https://a.example:443/other-path?x=1';
    const inner = endpoints(new Set([A, other]));
    const { circuits } = guarded(inner);
    await sendTimes(circuits, A, 2);
    await sendTimes(circuits, other, 2);
    expect(inner.reached.get(other)).to.equal(1);
  });

  it('forgets the least recently used closed circuit first when full, and keeps open ones', async () => {
    const inner = endpoints(new Set([A]));
    const { circuits } = guarded(inner, 2);
    await sendTimes(circuits, A, 3);
    await sendTimes(circuits, B, 1);
    await sendTimes(circuits, 'https://c.example/hook', 1);
    const afterEviction = await sendTimes(circuits, A, 1);
    expect(afterEviction[0]).to.deep.include({ kind: 'provider_down', attempted: false });
    expect(inner.reached.get(A)).to.equal(3);
  });

  it('hands a recipient that is not a URL to the sender, which refuses it, under no circuit', async () => {
    const inner = endpoints(new Set());
    await guarded(inner).circuits.send(to('not a url'));
    expect(inner.reached.get('not a url')).to.equal(1);
  });

  it('names an endpoint scheme://host:port', () => {
    expect(endpointOf('https://Hooks.Example.com/x')).to.equal('https://hooks.example.com:443');
    expect(endpointOf('http://127.0.0.1:8080/x')).to.equal('http://127.0.0.1:8080');
    expect(endpointOf('http://[::1]/x')).to.equal('http://[::1]:80');
    expect(endpointOf('mailto:ada@example.com')).to.equal(null);
  });
});
