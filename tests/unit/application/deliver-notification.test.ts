import { expect } from 'chai';
import { DeliverNotification, MAX_LEASE_EXPIRIES } from '../../../src/application/delivery/deliver-notification.js';
import { LeaseKeeper } from '../../../src/application/delivery/lease-keeper.js';
import { SendReportRecorder } from '../../../src/application/delivery/send-report-recorder.js';
import { buildHandlerRegistry } from '../../../src/application/handlers/index.js';
import type { ChannelSender, OutgoingMessage, RenderedContent } from '../../../src/application/ports/channel-sender.js';
import type { Claim, DeliveryQueue } from '../../../src/application/ports/delivery-queue.js';
import type { DeliveryMonitor } from '../../../src/application/ports/delivery-monitor.js';
import type { NotificationRenderer } from '../../../src/application/ports/notification-renderer.js';
import { ChannelFlags } from '../../../src/domain/channel-flags.js';
import { EmailAddress } from '../../../src/domain/email-address.js';
import { InvalidValueError } from '../../../src/domain/errors.js';
import { NotificationPreferences, type PreferencesChange, preferenceFlags } from '../../../src/domain/notification-preferences.js';
import { Suppression } from '../../../src/domain/suppression.js';
import { UserId } from '../../../src/domain/user-id.js';
import type { NotificationSnapshot } from '../../../src/domain/notification-request.js';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import { FakeClock, type InMemoryStore } from '../../support/fakes.js';
import { fakeContainer, testHandlerDeps } from '../../support/test-container.js';
import { T0, accepted, aSendingNotification, permanent, providerDown, transient } from '../mothers.js';

const CONTENT: RenderedContent = { channel: 'email', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' };

/** A sender that answers what the test says, and remembers what it was given. */
class ScriptedSender implements ChannelSender {
  readonly channel = 'email' as const;
  readonly sent: OutgoingMessage[] = [];
  constructor(private readonly answer: (message: OutgoingMessage) => Promise<SendOutcome>) {}
  send(message: OutgoingMessage): Promise<SendOutcome> {
    this.sent.push(message);
    return this.answer(message);
  }
}

class RecordingQueue implements DeliveryQueue {
  readonly renewed: Claim[][] = [];
  async claimDue() {
    return [];
  }
  async renewLeases(claims: readonly Claim[]) {
    this.renewed.push([...claims]);
    return claims.length;
  }
  async releaseDeferred() {
    return 0;
  }
}

class RecordingMonitor implements DeliveryMonitor {
  readonly seen: string[] = [];
  resending(n: NotificationSnapshot) {
    this.seen.push(`resending ${n.id}`);
  }
  answered(n: NotificationSnapshot, outcome: SendOutcome) {
    this.seen.push(`answered ${n.id} ${outcome.kind}`);
  }
  recorded(n: NotificationSnapshot, outcome: SendOutcome | null, status: string) {
    this.seen.push(`recorded ${n.id} ${outcome?.kind ?? 'none'} ${status}`);
  }
}

function world(answer: (message: OutgoingMessage) => Promise<SendOutcome>, render: NotificationRenderer['render'] = async () => CONTENT, sendTimeoutMs = 60_000) {
  const clock = new FakeClock(T0);
  const { bus, store } = fakeContainer({ clock, handlers: buildHandlerRegistry(testHandlerDeps(clock)) });
  const queue = new RecordingQueue();
  const leases = new LeaseKeeper(queue, 30_000);
  const sender = new ScriptedSender(answer);
  const monitor = new RecordingMonitor();
  const recorder = new SendReportRecorder({ write: (reports) => bus.handle({ type: 'RecordSendReports', reports }), isRetryable: () => false, backoff: { initialMs: 1, maxMs: 1 }, giveUpAfterMs: 0 });
  const deliver = new DeliverNotification({ senders: new Map([['email', sender]]), renderer: { render, preview: () => CONTENT }, recorder, leases, bus, clock, monitor, sendTimeoutMs });
  return { deliver, store, sender, leases, queue, monitor };
}

/** Puts a claimed notification in the store, as the delivery queue would, and returns the claim. */
function claimed(store: InMemoryStore, overrides: Partial<NotificationSnapshot> = {}, resend = false, held = false) {
  const notification = { ...aSendingNotification({ id: '00000000-0000-4000-8000-0000000000aa' }).snapshot(), ...overrides };
  store.notifications.set(notification.id, notification);
  return { notification, claimToken: 'claim-1', resend, held };
}

describe('DeliverNotification', () => {
  it('renders for the channel, sends through the channel sender and records it sent', async () => {
    const w = world(async () => accepted());
    const claim = claimed(w.store);
    expect(await w.deliver.execute(claim)).to.equal('sent');
    expect(w.sender.sent).to.deep.equal([
      { notificationId: claim.notification.id, notificationType: 'welcome', userId: 'user-1', recipient: 'ada@example.com', fromProfile: false, correlationId: 'corr-1', content: CONTENT },
    ]);
    expect(w.store.notifications.get(claim.notification.id)?.status).to.equal('sent');
    expect(w.monitor.seen).to.deep.equal([`answered ${claim.notification.id} accepted`, `recorded ${claim.notification.id} accepted sent`]);
  });

  it('records a transient answer as a retry and a permanent one as failed', async () => {
    const retried = world(async () => transient());
    expect(await retried.deliver.execute(claimed(retried.store))).to.equal('retrying');
    const refused = world(async () => permanent());
    expect(await refused.deliver.execute(claimed(refused.store))).to.equal('failed');
  });

  it('defers a provider-down answer without failing or using an attempt', async () => {
    const w = world(async () => providerDown());
    const claim = claimed(w.store);
    expect(await w.deliver.execute(claim)).to.equal('pending');
    expect(w.store.notifications.get(claim.notification.id)).to.deep.include({ status: 'pending', deferrals: 1 });
  });

  it('fails a notification it cannot render as permanent, without calling the sender', async () => {
    const w = world(
      async () => accepted(),
      () => {
        throw new InvalidValueError('template_vars.verify_token', 'is required');
      },
    );
    const claim = claimed(w.store);
    expect(await w.deliver.execute(claim)).to.equal('failed');
    expect(w.sender.sent).to.deep.equal([]);
    expect(w.store.notifications.get(claim.notification.id)?.attempts[0]?.error).to.equal('cannot render: template_vars.verify_token: is required');
  });

  it('defers a notification whose template cannot be read (the database is down), using no attempt and calling no sender', async () => {
    const w = world(
      async () => accepted(),
      async () => {
        throw new Error('timeout exceeded when trying to connect');
      },
    );
    const claim = claimed(w.store);
    expect(await w.deliver.execute(claim)).to.equal('pending');
    expect(w.sender.sent).to.deep.equal([]);
    const stored = w.store.notifications.get(claim.notification.id);
    expect([stored?.deferrals, stored?.attempts.length]).to.deep.equal([1, 0]);
  });

  it('fails a notification whose channel has no sender as permanent', async () => {
    const w = world(async () => accepted());
    const claim = claimed(w.store, { channel: 'sms' as never });
    expect(await w.deliver.execute(claim)).to.equal('failed');
    expect(w.store.notifications.get(claim.notification.id)?.attempts[0]?.error).to.equal('no sender is configured for channel sms');
  });

  it('holds the claim for lease renewal while the send is in flight, and lets it go once recorded', async () => {
    let release: (outcome: SendOutcome) => void = () => undefined;
    const w = world(() => new Promise((resolve) => (release = resolve)));
    const claim = claimed(w.store);
    const delivering = w.deliver.execute(claim);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await w.leases.renew()).to.equal(1);
    expect(w.queue.renewed).to.deep.equal([[{ notificationId: claim.notification.id, claimToken: 'claim-1' }]]);
    release(accepted());
    await delivering;
    expect(w.leases.size).to.equal(0);
    expect(await w.leases.renew()).to.equal(0);
  });

  it('records a send that never settles as ambiguous once its time is up, letting the claim go', async () => {
    const w = world(() => new Promise<SendOutcome>(() => undefined), async () => CONTENT, 30);
    const claim = claimed(w.store);
    expect(await w.deliver.execute(claim)).to.equal('retrying');
    const [attempt] = w.store.notifications.get(claim.notification.id)?.attempts ?? [];
    expect([attempt?.outcome, attempt?.error]).to.deep.equal(['ambiguous', 'no answer from the provider within 30 ms: the message may still be delivered']);
    expect(w.leases.size).to.equal(0);
  });

  it('lets the claim go when recording fails, so its lease expires and the send is retried', async () => {
    const w = world(async () => accepted());
    const claim = claimed(w.store);
    w.store.notifications.delete(claim.notification.id);
    const error = await w.deliver.execute(claim).then(() => null, (e: Error) => e.name);
    expect(error).to.equal('NotificationNotFoundError');
    expect(w.leases.size).to.equal(0);
  });

  it(`fails a notification claimed after ${MAX_LEASE_EXPIRIES} expired leases with reason lease_expired, without sending`, async () => {
    const w = world(async () => accepted());
    const claim = claimed(w.store, { leaseExpiries: MAX_LEASE_EXPIRIES }, true);
    expect(await w.deliver.execute(claim)).to.equal('failed');
    expect(w.sender.sent).to.deep.equal([]);
    expect(w.store.notifications.get(claim.notification.id)).to.deep.include({ status: 'failed', reason: 'lease_expired' });
  });

  describe('a notification held for quiet hours, claimed when they end', () => {
    const heldFor = (w: ReturnType<typeof world>, change: PreferencesChange) => {
      const profile = NotificationPreferences.create(UserId.of('user-1'), EmailAddress.of('ada@example.com'), preferenceFlags(), T0, null, change);
      w.store.preferences.set('user-1', profile.snapshot());
      return claimed(w.store, { userId: 'user-1', recipient: 'ada@example.com' }, false, true);
    };

    it('goes when the recipient still wants it', async () => {
      const w = world(async () => accepted());
      expect(await w.deliver.execute(heldFor(w, {}))).to.equal('sent');
      expect(w.sender.sent).to.have.lengthOf(1);
    });

    it('is suppressed, never sent, when the recipient turned the channel off meanwhile', async () => {
      const w = world(async () => accepted());
      const claim = heldFor(w, { channels: ChannelFlags.of({ email: false }) });
      expect(await w.deliver.execute(claim)).to.equal('suppressed');
      expect([w.sender.sent.length, w.store.notifications.get(claim.notification.id)?.reason]).to.deep.equal([0, 'preference_opt_out']);
    });

    it('is suppressed when its address was suppressed meanwhile', async () => {
      const w = world(async () => accepted());
      const claim = heldFor(w, {});
      w.store.suppressions.set('s-1', Suppression.of({ channel: 'email', address: 'ada@example.com', reason: 'complained', source: 'test' }, 's-1', T0));
      expect(await w.deliver.execute(claim)).to.equal('suppressed');
      expect([w.sender.sent.length, w.store.notifications.get(claim.notification.id)?.reason]).to.deep.equal([0, 'recipient_suppressed']);
    });
  });

  it('resends a notification whose earlier lease expired, reporting the possible duplicate', async () => {
    const w = world(async () => accepted());
    const claim = claimed(w.store, { leaseExpiries: 1 }, true);
    expect(await w.deliver.execute(claim)).to.equal('sent');
    expect(w.monitor.seen[0]).to.equal(`resending ${claim.notification.id}`);
  });
});
