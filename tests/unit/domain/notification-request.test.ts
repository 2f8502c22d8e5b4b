import { expect } from 'chai';
import { InvalidTransitionError } from '../../../src/domain/errors.js';
import { NotificationRequest, type NotificationSnapshot } from '../../../src/domain/notification-request.js';
import { aNewNotification, anAttempt, aPendingNotification, aSendingNotification, at, T0 } from '../mothers.js';
import { thrown } from '../rejection.js';

const LEASE = at(60);

function invalidTransition(call: () => unknown): InvalidTransitionError {
  const error = thrown(call);
  expect(error).to.be.instanceOf(InvalidTransitionError);
  return error as InvalidTransitionError;
}

function inState(overrides: Partial<NotificationSnapshot>): NotificationRequest {
  return NotificationRequest.restore({ ...aPendingNotification().snapshot(), ...overrides });
}

describe('NotificationRequest', () => {
  describe('request and suppress', () => {
    it('starts a requested notification pending and due now, raising NotificationRequested', () => {
      const notification = NotificationRequest.request(aNewNotification(), T0);
      expect(notification.snapshot()).to.deep.equal({
        ...aNewNotification(),
        status: 'pending',
        suppressionReason: null,
        attempts: [],
        scheduledAttempts: 0,
        nextAttemptAt: T0,
        leaseExpiresAt: null,
        claimToken: null,
        createdAt: T0,
        updatedAt: T0,
      });
      expect(notification.pullEvents()).to.deep.equal([
        { type: 'NotificationRequested', notificationId: 'notification-1', notificationType: 'welcome', channel: 'email', status: 'pending', reason: null },
      ]);
    });

    it('records a suppressed notification with its reason, never due, raising NotificationRequested as suppressed', () => {
      const notification = NotificationRequest.suppress(aNewNotification(), 'preference_opt_out', T0);
      expect(notification.snapshot()).to.deep.include({ status: 'suppressed', suppressionReason: 'preference_opt_out', nextAttemptAt: null });
      expect(notification.pullEvents()).to.deep.equal([
        { type: 'NotificationRequested', notificationId: 'notification-1', notificationType: 'welcome', channel: 'email', status: 'suppressed', reason: 'preference_opt_out' },
      ]);
      invalidTransition(() => notification.claim(at(3600), LEASE, "claim-1"));
    });
  });

  describe('claim', () => {
    it('takes a due pending notification for sending with a lease', () => {
      const notification = aPendingNotification();
      notification.claim(at(5), LEASE, "claim-1");
      expect(notification.snapshot()).to.deep.include({ status: 'sending', leaseExpiresAt: LEASE, nextAttemptAt: null });
      expect(notification.snapshot().updatedAt).to.deep.equal(at(5));
    });

    it('takes a retrying notification once its retry time has come', () => {
      const notification = inState({ status: 'retrying', nextAttemptAt: at(30) });
      invalidTransition(() => notification.claim(at(29), LEASE, "claim-1"));
      notification.claim(at(30), LEASE, "claim-1");
      expect(notification.status).to.equal('sending');
    });

    it('refuses a pending notification that is not yet due', () => {
      const notification = aPendingNotification({}, at(10));
      const error = invalidTransition(() => notification.claim(at(9), LEASE, "claim-1"));
      expect(error.message).to.equal('notification notification-1 is pending and not due');
      expect(notification.status).to.equal('pending');
    });

    it('takes over a sending notification whose lease expired, but not one whose lease holds', () => {
      const notification = inState({ status: 'sending', nextAttemptAt: null, leaseExpiresAt: at(60) });
      invalidTransition(() => notification.claim(at(59), at(120), "claim-1"));
      notification.claim(at(60), at(120), "claim-1");
      expect(notification.snapshot()).to.deep.include({ status: 'sending', leaseExpiresAt: at(120) });
    });

    it('refuses sent and failed notifications', () => {
      for (const status of ['sent', 'failed'] as const) {
        const error = invalidTransition(() => inState({ status, nextAttemptAt: T0 }).claim(at(1), LEASE, "claim-1"));
        expect(error.code).to.equal('invalid_transition');
      }
    });
  });

  describe('attempt results', () => {
    it('becomes sent on an accepted attempt and raises one NotificationSent', () => {
      const notification = aSendingNotification();
      notification.recordAccepted(anAttempt('accepted'));
      expect(notification.snapshot()).to.deep.include({ status: 'sent', leaseExpiresAt: null, scheduledAttempts: 1 });
      expect(notification.snapshot().attempts).to.deep.equal([{ ...anAttempt('accepted'), number: 1 }]);
      expect(notification.pullEvents()).to.deep.equal([
        {
          type: 'NotificationSent',
          notificationId: 'notification-1',
          userId: 'user-1',
          notificationType: 'welcome',
          channel: 'email',
          recipient: 'ada@example.com',
          correlationId: 'corr-1',
        },
      ]);
    });

    it('schedules a retry on a transient failure, raising nothing', () => {
      const notification = aSendingNotification();
      notification.recordTransientFailure(anAttempt('transient_failure'), at(90));
      expect(notification.snapshot()).to.deep.include({ status: 'retrying', nextAttemptAt: at(90), leaseExpiresAt: null });
      expect(notification.pullEvents()).to.deep.equal([]);
    });

    it('fails on a transient failure with no retry left and raises NotificationFailed', () => {
      const notification = aSendingNotification({ userId: null, correlationId: null });
      notification.recordTransientFailure(anAttempt('transient_failure', { attemptedAt: at(1) }), at(30));
      notification.claim(at(30), at(90), "claim-1");
      notification.recordTransientFailure(anAttempt('transient_failure', { attemptedAt: at(31), error: '421 try later' }), null);
      expect(notification.snapshot()).to.deep.include({ status: 'failed', nextAttemptAt: null, leaseExpiresAt: null });
      expect(notification.pullEvents()).to.deep.equal([
        {
          type: 'NotificationFailed',
          notificationId: 'notification-1',
          userId: null,
          notificationType: 'welcome',
          channel: 'email',
          recipient: 'ada@example.com',
          correlationId: null,
          errorMessage: '421 try later',
          retryCount: 1,
        },
      ]);
    });

    it('fails at once on a permanent failure', () => {
      const notification = aSendingNotification();
      notification.recordPermanentFailure(anAttempt('permanent_failure', { error: '550 no such user' }));
      expect(notification.status).to.equal('failed');
      const events = notification.pullEvents();
      expect(events.map((e) => e.type)).to.deep.equal(['NotificationFailed']);
      expect(events[0]).to.deep.include({ errorMessage: '550 no such user', retryCount: 0 });
    });

    it('takes the failure message from the response, or a default, when the attempt has no error', () => {
      const withResponse = aSendingNotification();
      withResponse.recordPermanentFailure(anAttempt('permanent_failure', { error: null, response: '554 rejected' }));
      const bare = aSendingNotification();
      bare.recordPermanentFailure(anAttempt('permanent_failure', { error: null, response: null }));
      expect([withResponse, bare].map((n) => (n.pullEvents()[0] as { errorMessage: string }).errorMessage)).to.deep.equal([
        '554 rejected',
        'delivery failed',
      ]);
    });

    it('numbers attempts 1 to n and counts them for the schedule', () => {
      const notification = aSendingNotification();
      notification.recordTransientFailure(anAttempt('transient_failure', { attemptedAt: at(1) }), at(10));
      notification.claim(at(10), at(70), "claim-1");
      notification.recordTransientFailure(anAttempt('transient_failure', { attemptedAt: at(11) }), at(20));
      notification.claim(at(20), at(80), "claim-1");
      notification.recordAccepted(anAttempt('accepted', { attemptedAt: at(21) }));
      const { attempts, scheduledAttempts, updatedAt } = notification.snapshot();
      expect(attempts.map((a) => [a.number, a.outcome])).to.deep.equal([
        [1, 'transient_failure'],
        [2, 'transient_failure'],
        [3, 'accepted'],
      ]);
      expect(scheduledAttempts).to.equal(3);
      expect(updatedAt).to.deep.equal(at(21));
    });

    it('refuses a result for a notification that is not sending', () => {
      const notification = aPendingNotification();
      const error = invalidTransition(() => notification.recordAccepted(anAttempt('accepted')));
      expect(error.message).to.equal('notification notification-1 is pending, not sending');
      expect(notification.snapshot().attempts).to.deep.equal([]);
    });

    it('refuses a result whose outcome does not match the method, changing nothing', () => {
      const notification = aSendingNotification();
      const before = notification.snapshot();
      const error = invalidTransition(() => notification.recordAccepted(anAttempt('transient_failure')));
      expect(error.message).to.equal('attempt outcome transient_failure is not accepted');
      invalidTransition(() => notification.recordPermanentFailure(anAttempt('ambiguous')));
      expect(notification.snapshot()).to.deep.equal(before);
      expect(notification.pullEvents()).to.deep.equal([]);
    });
  });

  describe('retry', () => {
    it('restarts a failed notification on a fresh schedule, keeping its history', () => {
      const notification = aSendingNotification();
      notification.recordPermanentFailure(anAttempt('permanent_failure'));
      notification.pullEvents();
      notification.retry(at(600));
      expect(notification.snapshot()).to.deep.include({ status: 'pending', scheduledAttempts: 0, nextAttemptAt: at(600) });
      expect(notification.snapshot().attempts.map((a) => a.number)).to.deep.equal([1]);
      expect(notification.pullEvents()).to.deep.equal([]);
      notification.claim(at(600), at(660), "claim-1");
      notification.recordAccepted(anAttempt('accepted', { attemptedAt: at(601) }));
      expect(notification.snapshot().attempts.map((a) => a.number)).to.deep.equal([1, 2]);
    });

    it('refuses to retry a notification that has not failed', () => {
      for (const status of ['pending', 'sending', 'sent', 'retrying', 'suppressed'] as const) {
        const error = invalidTransition(() => inState({ status }).retry(at(1)));
        expect(error.message).to.equal(`only a failed notification can be retried; notification-1 is ${status}`);
      }
    });
  });
});

describe('NotificationRequest.defer', () => {
  it('hands a claimed notification back unsent, without an attempt, due again later', () => {
    const notification = aSendingNotification();
    notification.defer(at(5), at(10));
    expect(notification.snapshot()).to.deep.include({ status: 'pending', nextAttemptAt: at(10), claimToken: null, leaseExpiresAt: null, scheduledAttempts: 0 });
    expect(notification.snapshot().attempts).to.deep.equal([]);
    expect(notification.pullEvents()).to.deep.equal([]);
  });

  it('keeps a notification that already failed once retrying', () => {
    const notification = aSendingNotification();
    notification.recordTransientFailure(anAttempt('transient_failure'), at(2));
    notification.claim(at(2), at(60), 'claim-2');
    notification.defer(at(3), at(8));
    expect(notification.snapshot()).to.deep.include({ status: 'retrying', nextAttemptAt: at(8), scheduledAttempts: 1 });
  });

  it('refuses a notification that is not being sent', () => {
    expect(() => aPendingNotification().defer(at(1), at(2))).to.throw(InvalidTransitionError);
  });
});
