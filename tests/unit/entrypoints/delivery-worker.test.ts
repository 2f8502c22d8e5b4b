import { expect } from 'chai';
import { pino } from 'pino';
import type { DeliverNotification } from '../../../src/application/delivery/deliver-notification.js';
import { LeaseKeeper } from '../../../src/application/delivery/lease-keeper.js';
import type { CircuitState, GuardedChannelSender } from '../../../src/application/ports/channel-sender.js';
import type { Claim, ClaimedNotification, DeliveryQueue } from '../../../src/application/ports/delivery-queue.js';
import type { ChannelRateLimit } from '../../../src/application/ports/rate-limit.js';
import type { Channel } from '../../../src/domain/notification-type.js';
import { DeliveryWorker } from '../../../src/entrypoints/workers/delivery-worker.js';
import { aSendingNotification } from '../mothers.js';

const silent = pino({ level: 'silent' });
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A queue handing out `available` claims in all, recording each claim's limit and channel. */
class ScriptedQueue implements DeliveryQueue {
  readonly claims: Array<{ limit: number; channel: Channel }> = [];
  readonly renewals: number[] = [];
  constructor(private available: number) {}
  async claimDue(limit: number, _leaseMs: number, channel: Channel): Promise<ClaimedNotification[]> {
    this.claims.push({ limit, channel });
    const n = Math.min(limit, this.available);
    this.available -= n;
    return Array.from({ length: n }, (_, i) => ({ notification: aSendingNotification({ id: `n-${this.claims.length}-${i}`, channel }).snapshot(), claimToken: 't', resend: false, held: false }));
  }
  refill(n: number) {
    this.available += n;
  }
  async renewLeases(claims: readonly Claim[]) {
    this.renewals.push(claims.length);
    return claims.length;
  }
  async releaseDeferred() {
    return 0;
  }
}

/** SMS always due; one email only once `emailDue` is set (committed while the SMS sends hang). */
class LateEmailQueue extends ScriptedQueue {
  emailDue = false;
  emailClaimed = 0;
  constructor() {
    super(1_000);
  }
  override async claimDue(limit: number, leaseMs: number, channel: Channel): Promise<ClaimedNotification[]> {
    if (channel === 'sms') return super.claimDue(limit, leaseMs, channel);
    if (!this.emailDue || this.emailClaimed > 0) return [];
    this.emailClaimed += 1;
    return [{ notification: aSendingNotification({ id: 'late-email', channel }).snapshot(), claimToken: 't', resend: false, held: false }];
  }
}

const sender = (circuit: CircuitState, channel: Channel = 'email'): GuardedChannelSender => ({ channel, circuit, configurationFault: null, send: async () => ({ kind: 'accepted', response: '', providerMessageId: null }) });

/** A shared budget of `tokens` sends for the limited channels, recording what was taken and given back. */
class ScriptedRateLimit implements ChannelRateLimit {
  readonly taken: number[] = [];
  readonly givenBack: number[] = [];
  constructor(
    private tokens: number,
    private readonly limited: readonly Channel[],
  ) {}
  limits(channel: Channel) {
    return this.limited.includes(channel);
  }
  async take(_channel: Channel, wanted: number) {
    const granted = Math.min(wanted, this.tokens);
    this.tokens -= granted;
    this.taken.push(granted);
    return granted;
  }
  async giveBack(_channel: Channel, unused: number) {
    this.tokens += unused;
    this.givenBack.push(unused);
  }
}

const UNLIMITED = new ScriptedRateLimit(0, []);

function worker(queue: ScriptedQueue, circuit: CircuitState, deliver: (c: ClaimedNotification) => Promise<unknown>, leaseMs = 30_000, senders = [sender(circuit)], rateLimit: ChannelRateLimit = UNLIMITED) {
  const leases = new LeaseKeeper(queue, leaseMs);
  const use = { execute: deliver } as unknown as DeliverNotification;
  return { leases, subject: new DeliveryWorker(queue, use, leases, senders, rateLimit, { batchSize: 10, concurrency: 4, pollIntervalMs: 60_000 }, silent) };
}

describe('DeliveryWorker', () => {
  it('claims up to its free concurrency for the channels whose circuit is closed', async () => {
    const queue = new ScriptedQueue(2);
    const { subject } = worker(queue, 'closed', async () => 'sent');
    subject.start();
    await tick();
    await subject.stop();
    expect(queue.claims[0]).to.deep.equal({ limit: 4, channel: 'email' });
  });

  it('claims nothing for an open circuit, and one probe at a time for a half-open one', async () => {
    const open = new ScriptedQueue(5);
    const a = worker(open, 'open', async () => 'sent');
    a.subject.start();
    await tick();
    await a.subject.stop();
    expect(open.claims).to.deep.equal([]);

    const halfOpen = new ScriptedQueue(5);
    let finish: () => void = () => undefined;
    const b = worker(halfOpen, 'half_open', () => new Promise<void>((resolve) => (finish = resolve)));
    b.subject.start();
    await tick();
    b.subject.poke();
    await tick();
    expect(halfOpen.claims).to.deep.equal([{ limit: 1, channel: 'email' }]);
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

  it("gives each channel its own room: a channel whose sends hang never takes another channel's", async () => {
    const queue = new ScriptedQueue(100);
    const hung: Array<() => void> = [];
    const { subject } = worker(queue, 'closed', (c) => (c.notification.channel === 'sms' ? new Promise<void>((resolve) => hung.push(resolve)) : Promise.resolve()), 30_000, [sender('closed', 'sms'), sender('closed', 'email')]);
    subject.start();
    await tick();
    subject.poke();
    await tick();
    expect(hung).to.have.length(4);
    expect(queue.claims.filter((c) => c.channel === 'sms').map((c) => c.limit)).to.deep.equal([4]);
    expect(queue.claims.filter((c) => c.channel === 'email').length).to.be.greaterThan(1);
    for (const resolve of hung) resolve();
    await subject.stop();
  });

  it("claims again when a full channel's sends all ended while another channel was claiming", async () => {
    const held: Array<() => void> = [];
    let smsClaims = 0;
    // From its second claim on, the sms claim finds nothing and lets every email send end meanwhile.
    const queue = new (class extends ScriptedQueue {
      override async claimDue(limit: number, leaseMs: number, channel: Channel): Promise<ClaimedNotification[]> {
        if (channel !== 'sms') return super.claimDue(limit, leaseMs, channel);
        smsClaims += 1;
        if (smsClaims > 1) for (const finish of held.splice(0)) finish();
        await tick();
        return [];
      }
    })(100);
    const { subject } = worker(queue, 'closed', () => new Promise<void>((resolve) => held.push(resolve)), 30_000, [sender('closed', 'email'), sender('closed', 'sms')]);
    subject.start();
    await tick();
    await tick();
    await tick();
    expect(queue.claims.filter((c) => c.channel === 'email').length).to.be.greaterThan(1);
    for (const finish of held.splice(0)) finish();
    await subject.stop();
  });

  for (const how of ['poked', 'due at the next poll'] as const) {
    it(`claims work for another channel that arrives while one channel's sends hang (${how})`, async () => {
      const queue = new LateEmailQueue();
      const hung: Array<() => void> = [];
      const use = { execute: () => new Promise<void>((resolve) => hung.push(resolve)) } as unknown as DeliverNotification;
      const settings = { batchSize: 10, concurrency: 4, pollIntervalMs: how === 'poked' ? 60_000 : 30 };
      const subject = new DeliveryWorker(queue, use, new LeaseKeeper(queue, 30_000), [sender('closed', 'sms'), sender('closed', 'email')], UNLIMITED, settings, silent);
      subject.start();
      try {
        await tick();
        expect(hung).to.have.length(4);
        queue.emailDue = true;
        if (how === 'poked') subject.poke();
        await new Promise((resolve) => setTimeout(resolve, 80));
        expect(queue.emailClaimed, 'email claimed while the SMS sends hang').to.equal(1);
      } finally {
        for (const resolve of hung) resolve();
        await subject.stop();
      }
    });
  }

  it('claims no more than the rate budget grants, and gives back what no due notification used', async () => {
    const queue = new ScriptedQueue(1);
    const rateLimit = new ScriptedRateLimit(3, ['sms']);
    const { subject } = worker(queue, 'closed', async () => 'sent', 30_000, [sender('closed', 'sms')], rateLimit);
    subject.start();
    await tick();
    await subject.stop();
    expect(queue.claims[0]).to.deep.equal({ limit: 3, channel: 'sms' });
    expect(rateLimit.taken[0]).to.equal(3);
    expect(rateLimit.givenBack[0]).to.equal(2);
  });

  it('claims nothing while the rate budget is spent', async () => {
    const queue = new ScriptedQueue(10);
    const { subject } = worker(queue, 'closed', async () => 'sent', 30_000, [sender('closed', 'sms')], new ScriptedRateLimit(0, ['sms']));
    subject.start();
    await tick();
    await subject.stop();
    expect(queue.claims).to.deep.equal([]);
  });

  it('still sends what it claimed when giving back the unused budget fails', async () => {
    const queue = new ScriptedQueue(1);
    const rateLimit = new ScriptedRateLimit(3, ['sms']);
    rateLimit.giveBack = async () => {
      throw new Error('connection lost');
    };
    const sent: string[] = [];
    const { subject } = worker(queue, 'closed', async (c) => void sent.push(c.notification.id), 30_000, [sender('closed', 'sms')], rateLimit);
    subject.start();
    await tick();
    await subject.stop();
    expect(sent).to.deep.equal(['n-1-0']);
  });

  it("claims another channel's new work at once while a full channel waits for its room", async () => {
    const queue = new ScriptedQueue(4);
    const hung: Array<() => void> = [];
    const { subject } = worker(queue, 'closed', (c) => (c.notification.channel === 'webhook' ? new Promise<void>((resolve) => hung.push(resolve)) : Promise.resolve()), 30_000, [sender('closed', 'webhook'), sender('closed', 'email')]);
    subject.start();
    await tick();
    expect(hung).to.have.length(4);
    const claims = queue.claims.length;
    queue.refill(1);
    subject.poke();
    await tick();
    expect(queue.claims.slice(claims).map((c) => c.channel)).to.include('email');
    for (const resolve of hung) resolve();
    await subject.stop();
  });
});
