import { expect } from 'chai';
import { pino } from 'pino';
import type { DeliverNotification } from '../../../src/application/delivery/deliver-notification.js';
import { LeaseKeeper } from '../../../src/application/delivery/lease-keeper.js';
import type { CircuitState, GuardedChannelSender } from '../../../src/application/ports/channel-sender.js';
import type { Claim, ClaimedNotification, DeliveryQueue } from '../../../src/application/ports/delivery-queue.js';
import type { Channel } from '../../../src/domain/notification-type.js';
import { DeliveryWorker } from '../../../src/entrypoints/workers/delivery-worker.js';
import { aSendingNotification } from '../mothers.js';

const silent = pino({ level: 'silent' });
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A queue handing out `available` claims per channel, recording each claim's limit and channels. */
class ScriptedQueue implements DeliveryQueue {
  readonly claims: Array<{ limit: number; channels: readonly Channel[] }> = [];
  readonly renewals: number[] = [];
  constructor(private available: number) {}
  async claimDue(limit: number, _leaseMs: number, channels: readonly Channel[]): Promise<ClaimedNotification[]> {
    this.claims.push({ limit, channels: [...channels] });
    const n = channels.length === 0 ? 0 : Math.min(limit, this.available);
    this.available -= n;
    return Array.from({ length: n }, (_, i) => ({ notification: aSendingNotification({ id: `n-${this.claims.length}-${i}` }).snapshot(), claimToken: 't', resend: false }));
  }
  async renewLeases(claims: readonly Claim[]) {
    this.renewals.push(claims.length);
    return claims.length;
  }
}

const sender = (circuit: CircuitState): GuardedChannelSender => ({ channel: 'email', circuit, configurationFault: null, send: async () => ({ kind: 'accepted', response: '', providerMessageId: null }) });

function worker(queue: ScriptedQueue, circuit: CircuitState, deliver: (c: ClaimedNotification) => Promise<unknown>, leaseMs = 30_000) {
  const leases = new LeaseKeeper(queue, leaseMs);
  const use = { execute: deliver } as unknown as DeliverNotification;
  return { leases, subject: new DeliveryWorker(queue, use, leases, [sender(circuit)], { batchSize: 10, concurrency: 4, pollIntervalMs: 60_000 }, silent) };
}

describe('DeliveryWorker', () => {
  it('claims up to its free concurrency for the channels whose circuit is closed', async () => {
    const queue = new ScriptedQueue(2);
    const { subject } = worker(queue, 'closed', async () => 'sent');
    subject.start();
    await tick();
    await subject.stop();
    expect(queue.claims[0]).to.deep.equal({ limit: 4, channels: ['email'] });
  });

  it('claims nothing for an open circuit, and one probe at a time for a half-open one', async () => {
    const open = new ScriptedQueue(5);
    const a = worker(open, 'open', async () => 'sent');
    a.subject.start();
    await tick();
    await a.subject.stop();
    expect(open.claims.every((c) => c.channels.length === 0)).to.equal(true);

    const halfOpen = new ScriptedQueue(5);
    let finish: () => void = () => undefined;
    const b = worker(halfOpen, 'half_open', () => new Promise<void>((resolve) => (finish = resolve)));
    b.subject.start();
    await tick();
    b.subject.poke();
    await tick();
    expect(halfOpen.claims.filter((c) => c.channels.length > 0)).to.deep.equal([{ limit: 1, channels: ['email'] }]);
    finish();
    await b.subject.stop();
  });

  it('survives a delivery that rejects: the claim is let go and the loop goes on', async () => {
    const queue = new ScriptedQueue(3);
    const seen: string[] = [];
    const { subject } = worker(queue, 'closed', async (c) => {
      seen.push(c.notification.id);
      throw new Error('outcome not recorded');
    });
    subject.start();
    await tick();
    subject.poke();
    await tick();
    await subject.stop();
    expect(seen).to.have.length(3);
  });

  it('renews the leases of the sends in flight every third of a lease', async () => {
    const queue = new ScriptedQueue(1);
    let finish: () => void = () => undefined;
    const { subject, leases } = worker(queue, 'closed', (c) => {
      leases.hold({ notificationId: c.notification.id, claimToken: c.claimToken });
      return new Promise<void>((resolve) => (finish = resolve));
    }, 300);
    subject.start();
    await new Promise((resolve) => setTimeout(resolve, 350));
    finish();
    await subject.stop();
    expect(queue.renewals.length).to.be.within(2, 4);
    expect(queue.renewals.every((n) => n === 1)).to.equal(true);
  });
});
