import { expect } from 'chai';
import { InvalidTransitionError } from '../../../src/domain/errors.js';
import { NotificationRequest, type NotificationSnapshot } from '../../../src/domain/notification-request.js';
import {
  aNewNotification,
  aPendingNotification,
  aSendingNotification,
  accepted,
  ambiguous,
  at,
  claimedAgain,
  fixedSchedule,
  permanent,
  providerDown,
  T0,
  transient,
} from '../mothers.js';
import { thrown } from '../rejection.js';

const SCHEDULE = fixedSchedule(3);
const timing = (seconds: number, latencyMs = 42) => ({ attemptedAt: at(seconds), latencyMs });

function invalidTransition(call: () => unknown): InvalidTransitionError {
  const error = thrown(call);
  expect(error).to.be.instanceOf(InvalidTransitionError);
  return error as InvalidTransitionError;
}

function inState(overrides: Partial<NotificationSnapshot>): NotificationRequest {
  return NotificationRequest.restore({ ...aPendingNotification().snapshot(), ...overrides });
}

function failed(overrides: Parameters<typeof aNewNotification>[0] = {}): NotificationRequest {
  const notification = aSendingNotification(overrides);
  notification.record(permanent(), timing(1), SCHEDULE);
  notification.pullEvents();
  return notification;
}

describe('NotificationRequest', () => {
  describe('request and suppress', () => {
    it('starts a requested notification pending and due now, raising NotificationRecorded with its priority', () => {
      const notification = NotificationRequest.request(aNewNotification({ priority: 'high' }), T0);
      expect(notification.snapshot()).to.deep.equal({
        ...aNewNotification({ priority: 'high' }),
        status: 'pending',
        reason: null,
        attempts: [],
        deferrals: 0,
        leaseExpiries: 0,
        nextAttemptAt: T0,
        leaseExpiresAt: null,
        claimToken: null,
        retryOf: null,
        providerMessageId: null,
        receipt: null,
        createdAt: T0,
        updatedAt: T0,
      });
      expect(notification.pullEvents()).to.deep.equal([
        { type: 'NotificationRecorded', notificationId: 'notification-1', notificationType: 'welcome', channel: 'email', priority: 'high', status: 'pending', reason: null },
      ]);
    });

    it('records a suppressed notification with its reason, never due', () => {
      const notification = NotificationRequest.suppress(aNewNotification(), 'preference_opt_out', T0);
      expect(notification.snapshot()).to.deep.include({ status: 'suppressed', reason: 'preference_opt_out', nextAttemptAt: null });
      expect(notification.pullEvents()).to.deep.equal([
        { type: 'NotificationRecorded', notificationId: 'notification-1', notificationType: 'welcome', channel: 'email', priority: 'normal', status: 'suppressed', reason: 'preference_opt_out' },
      ]);
    });
  });

  describe('record', () => {
    it('becomes sent on an accepted answer and raises one NotificationSent with its time from creation to acceptance', () => {
      const notification = aSendingNotification();
      notification.record(accepted(), timing(1), SCHEDULE);
      expect(notification.snapshot()).to.deep.include({ status: 'sent', leaseExpiresAt: null, claimToken: null, updatedAt: at(1) });
      expect(notification.snapshot().attempts).to.deep.equal([
        { number: 1, attemptedAt: at(1), outcome: 'accepted', response: '250 OK queued', error: null, latencyMs: 42 },
      ]);
      expect(notification.pullEvents()).to.deep.equal([
        { type: 'NotificationSent', notificationId: 'notification-1', userId: 'user-1', notificationType: 'welcome', channel: 'email', recipient: 'ada@example.com', correlationId: 'corr-1', providerMessageId: null, deliveryTimeMs: 1_042 },
      ]);
    });

    it('schedules a retry on a transient answer by the plan, raising nothing', () => {
      const notification = aSendingNotification();
      notification.record(transient(), timing(1), SCHEDULE);
      expect(notification.snapshot()).to.deep.include({ status: 'retrying', nextAttemptAt: at(11), leaseExpiresAt: null, claimToken: null });
      expect(notification.snapshot().attempts.map((a) => a.outcome)).to.deep.equal(['transient_failure']);
      expect(notification.pullEvents()).to.deep.equal([]);
    });

    it('retries an ambiguous send like a transient one, recorded as ambiguous', () => {
      const notification = aSendingNotification();
      notification.record(ambiguous(), timing(1), SCHEDULE);
      expect(notification.snapshot()).to.deep.include({ status: 'retrying', nextAttemptAt: at(11) });
      expect(notification.snapshot().attempts.map((a) => [a.outcome, a.error])).to.deep.equal([['ambiguous', 'connection closed after DATA']]);
    });

    it('fails with reason retries_exhausted when the plan is used up, and raises NotificationFailed', () => {
      let notification = aSendingNotification({ userId: null, correlationId: null });
      notification.record(transient('450 a'), timing(1), SCHEDULE);
      notification = claimedAgain(notification);
      notification.record(ambiguous('dropped'), timing(11), SCHEDULE);
      notification = claimedAgain(notification, 'claim-3');
      notification.record(transient('451 try later'), timing(31), SCHEDULE);
      expect(notification.snapshot()).to.deep.include({ status: 'failed', reason: 'retries_exhausted', nextAttemptAt: null, claimToken: null });
      expect(notification.pullEvents()).to.deep.equal([
        {
          type: 'NotificationFailed',
          notificationId: 'notification-1',
          userId: null,
          notificationType: 'welcome',
          channel: 'email',
          recipient: 'ada@example.com',
          correlationId: null,
          reason: 'retries_exhausted',
          errorMessage: '451 try later',
          retryCount: 2,
        },
      ]);
    });

    it('fails at once on a permanent answer, with reason permanent_failure', () => {
      const notification = aSendingNotification();
      notification.record(permanent('550 no such user'), timing(1), SCHEDULE);
      expect(notification.snapshot()).to.deep.include({ status: 'failed', reason: 'permanent_failure' });
      expect(notification.pullEvents()[0]).to.deep.include({ type: 'NotificationFailed', errorMessage: '550 no such user', retryCount: 0 });
    });

    it('passes the priority and the provider Retry-After to the schedule', () => {
      const asked: unknown[] = [];
      const schedule = { ...SCHEDULE, retryAt: (...args: unknown[]) => (asked.push(args), at(99)) };
      const notification = aSendingNotification({ priority: 'critical' });
      notification.record(transient('429', 7_000), timing(1), schedule);
      expect(asked).to.deep.equal([['critical', 1, at(1), 7_000]]);
      expect(notification.snapshot().nextAttemptAt).to.deep.equal(at(99));
    });

    it('numbers attempts 1 to n, provider-down ones included', () => {
      let notification = aSendingNotification();
      notification.record(transient(), timing(1), SCHEDULE);
      notification = claimedAgain(notification);
      notification.record(providerDown(), timing(11), SCHEDULE);
      notification = claimedAgain(notification, 'claim-3');
      notification.record(accepted(), timing(21), SCHEDULE);
      expect(notification.snapshot().attempts.map((a) => [a.number, a.outcome])).to.deep.equal([
        [1, 'transient_failure'],
        [2, 'provider_down'],
        [3, 'accepted'],
      ]);
    });

    it('refuses an answer for a notification that is not sending, changing nothing', () => {
      const notification = aPendingNotification();
      const error = invalidTransition(() => notification.record(accepted(), timing(1), SCHEDULE));
      expect(error.message).to.equal('notification notification-1 is pending, not sending');
      expect(notification.snapshot().attempts).to.deep.equal([]);
    });
  });

  describe('provider down', () => {
    it('defers without using an attempt, however often the provider is down', () => {
      let notification = aSendingNotification();
      for (let i = 1; i <= 5; i++) {
        notification.record(providerDown(), timing(i * 100), SCHEDULE);
        expect(notification.snapshot()).to.deep.include({ status: 'pending', deferrals: i, nextAttemptAt: new Date(at(i * 100).getTime() + i * 1_000) });
        notification = claimedAgain(notification, `claim-${i + 1}`);
      }
      notification.record(transient(), timing(600), SCHEDULE);
      expect(notification.snapshot()).to.deep.include({ status: 'retrying', deferrals: 0, nextAttemptAt: at(610) });
      expect(notification.pullEvents()).to.deep.equal([]);
    });

    it('records no attempt when nothing was sent (the circuit was open)', () => {
      const notification = aSendingNotification();
      notification.record(providerDown({ attempted: false, response: null }), timing(5), SCHEDULE);
      expect(notification.snapshot()).to.deep.include({ status: 'pending', nextAttemptAt: at(6), claimToken: null, leaseExpiresAt: null, attempts: [] });
    });

    it('waits only the short while asked when our own room for the receiver is full, however long the outage before it', () => {
      let notification = aSendingNotification();
      for (let i = 1; i <= 9; i++) {
        notification.record(providerDown(), timing(i * 1_000), SCHEDULE);
        notification = claimedAgain(notification, `claim-${i + 1}`);
      }
      notification.record(providerDown({ attempted: false, response: null, retryAfterMs: 1_000, busy: true }), timing(10_000), SCHEDULE);
      expect(notification.snapshot()).to.deep.include({ status: 'pending', deferrals: 9, nextAttemptAt: at(10_001) });
    });

    it('keeps a notification that already used an attempt retrying', () => {
      let notification = aSendingNotification();
      notification.record(transient(), timing(1), SCHEDULE);
      notification = claimedAgain(notification);
      notification.record(providerDown(), timing(12), SCHEDULE);
      expect(notification.snapshot()).to.deep.include({ status: 'retrying', deferrals: 1 });
    });
  });

  describe('one-time secrets', () => {
    const withToken = { type: 'password_reset' as const, secretVariables: ['reset_token'], content: { subject: null, body: null, templateVars: { username: 'ada', reset_token: 'r-1' } } };

    it('are kept while the notification may still be sent', () => {
      const notification = aSendingNotification(withToken);
      notification.record(transient(), timing(1), SCHEDULE);
      expect(notification.snapshot().content.templateVars).to.deep.equal({ username: 'ada', reset_token: 'r-1' });
    });

    it('leave the notification in the write that makes it final: sent, failed or suppressed', () => {
      const sent = aSendingNotification(withToken);
      sent.record(accepted(), timing(1), SCHEDULE);
      const failed = aSendingNotification(withToken);
      failed.record(permanent(), timing(1), SCHEDULE);
      const suppressed = NotificationRequest.suppress(aNewNotification(withToken), 'preference_opt_out', T0);
      for (const n of [sent, failed, suppressed]) {
        expect(n.snapshot().content.templateVars, n.status).to.deep.equal({ username: 'ada' });
        expect(n.snapshot().secretVariables).to.deep.equal(['reset_token']);
      }
    });
  });

  describe('lease expiries', () => {
    it('are forgotten once the worker holding the claim comes back with an answer', () => {
      const notification = NotificationRequest.restore({ ...aSendingNotification().snapshot(), leaseExpiries: 2 });
      notification.record(transient(), timing(1), SCHEDULE);
      expect(notification.snapshot().leaseExpiries).to.equal(0);
    });
  });

  describe('abandon', () => {
    it('fails a notification claimed after too many expired leases with reason lease_expired', () => {
      const notification = NotificationRequest.restore({ ...aSendingNotification().snapshot(), leaseExpiries: 3 });
      notification.abandon(at(90), 'lease_expired');
      expect(notification.snapshot()).to.deep.include({ status: 'failed', reason: 'lease_expired', claimToken: null, updatedAt: at(90) });
      expect(notification.pullEvents()[0]).to.deep.include({
        type: 'NotificationFailed',
        reason: 'lease_expired',
        errorMessage: 'claimed after 3 expired leases: its sends never completed',
        retryCount: 0,
      });
    });
  });

  describe('expiry', () => {
    it('fails a notification claimed at or after its expiry as expired, never before', () => {
      const notification = aSendingNotification({ expiresAt: at(30) });
      expect(invalidTransition(() => notification.expire(at(29))).message).to.include('has not expired');
      notification.expire(at(30));
      expect(notification.snapshot()).to.deep.include({ status: 'failed', reason: 'expired', claimToken: null, nextAttemptAt: null });
      expect(notification.pullEvents()[0]).to.deep.include({ type: 'NotificationFailed', reason: 'expired', errorMessage: `expired at ${at(30).toISOString()} before it could be sent` });
    });

    it('fails as expired when the provider is down and the next try would come at or after the expiry', () => {
      const waiting = aSendingNotification({ expiresAt: at(12) });
      waiting.record(providerDown(), timing(10), SCHEDULE);
      expect(waiting.snapshot()).to.deep.include({ status: 'pending', nextAttemptAt: at(11) });
      const late = claimedAgain(waiting);
      late.record(providerDown(), timing(11), SCHEDULE);
      expect(late.snapshot()).to.deep.include({ status: 'failed', reason: 'expired', nextAttemptAt: null });
      expect(late.pullEvents()).to.have.lengthOf(1);
    });

    it('moves a retry the plan puts past the expiry to a last try a second before it, and fails when no second is left', () => {
      const notification = aSendingNotification({ expiresAt: at(5) });
      notification.record(transient(), timing(1), SCHEDULE);
      expect(notification.snapshot()).to.deep.include({ status: 'retrying', nextAttemptAt: at(4) });
      const last = claimedAgain(notification);
      last.record(transient(), timing(4), SCHEDULE);
      expect(last.snapshot()).to.deep.include({ status: 'failed', reason: 'expired', nextAttemptAt: null });
      expect(last.snapshot().attempts).to.have.lengthOf(2);
    });
  });

  describe('retryOf', () => {
    it('creates a new pending notification with the failed one’s content, linked by retryOf', () => {
      const original = failed({ priority: 'high', orderId: 'ORD-7' });
      const retry = NotificationRequest.retryOf(original, 'notification-2', at(600));
      const s = retry.snapshot();
      expect(s).to.deep.include({ id: 'notification-2', retryOf: 'notification-1', status: 'pending', priority: 'high', nextAttemptAt: at(600), attempts: [], orderId: 'ORD-7' });
      expect(s.content).to.deep.equal(original.snapshot().content);
      expect(original.snapshot().status).to.equal('failed');
      expect(retry.pullEvents().map((e) => e.type)).to.deep.equal(['NotificationRecorded']);
    });

    it('refuses to retry a notification that has not failed', () => {
      for (const status of ['pending', 'sending', 'sent', 'retrying', 'suppressed'] as const) {
        const error = invalidTransition(() => NotificationRequest.retryOf(inState({ status }), 'n-2', at(1)));
        expect(error.message).to.equal(`only a failed notification can be retried; notification-1 is ${status}`);
      }
    });

    it('refuses to resend a notification whose one-time secret was erased when it failed', () => {
      const original = failed({ type: 'password_reset', secretVariables: ['reset_token'], content: { subject: null, body: null, templateVars: { email: 'a@b.c', reset_token: 'r-1' } } });
      expect(original.snapshot().content.templateVars).to.deep.equal({ email: 'a@b.c' });
      const error = invalidTransition(() => NotificationRequest.retryOf(original, 'n-2', at(1)));
      expect(error.message).to.equal('notification notification-1 cannot be resent: its one-time reset_token was erased when it failed; ask for a new one');
    });
  });
});
