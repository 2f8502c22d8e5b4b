import { expect } from 'chai';
import { countedOutcomeOf } from '../../../src/application/analytics/counted-outcome.js';
import type { CommandOf, SendReport } from '../../../src/domain/commands.js';
import { InvalidValueError } from '../../../src/domain/errors.js';
import type { Channel } from '../../../src/domain/notification-type.js';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import { fakeContainer } from '../../support/test-container.js';
import { FakeClock } from '../../support/fakes.js';
import { T0 } from '../mothers.js';
import { rejection } from '../rejection.js';

type World = ReturnType<typeof fakeContainer>;

const ACCEPTED = { kind: 'accepted', response: '250 OK', providerMessageId: 'SM1' } as const satisfies SendOutcome;
const TRANSIENT: SendOutcome = { kind: 'transient', error: '451 later', response: '451 later' };
const PERMANENT: SendOutcome = { kind: 'permanent', error: '550 no such user', response: '550 no such user' };
const DOWN: SendOutcome = { kind: 'provider_down', error: 'connection refused', response: null, attempted: true, configurationFault: false };

function send(recipient: string, channel: Channel = 'email'): CommandOf<'SendNotification'> {
  return {
    type: 'SendNotification',
    notificationType: 'security_alert',
    channel,
    recipient,
    userId: null,
    subject: null,
    content: channel === 'sms' ? 'New sign-in' : null,
    templateVars: { alert_message: 'New sign-in' },
    variablesField: 'template_vars',
    priority: null,
    locale: null,
    expiresAt: null,
    correlationId: null,
    idempotency: null,
  };
}

/** Claims the notification as the delivery queue would and records one answer, `ms` after it was asked for. */
async function answer(world: World, id: string, outcome: SendOutcome, ms: number, token: string): Promise<string> {
  const n = world.store.notifications.get(id)!;
  world.store.notifications.set(id, { ...n, status: 'sending', claimToken: token, leaseExpiresAt: new Date(world.clock.now().getTime() + 60_000), nextAttemptAt: null });
  const report: SendReport = { notificationId: id, claimToken: token, outcome, attemptedAt: new Date(n.createdAt.getTime() + ms - 10), latencyMs: 10 };
  const [status] = await world.bus.handle({ type: 'RecordSendReports', reports: [report] });
  return String(status);
}

describe('analytics: what is counted', () => {
  it('counts each notification once, at its final outcome: not its retries, deferrals or pending record', async () => {
    const world = fakeContainer({ clock: new FakeClock(T0) });
    const { notificationId: ok } = await world.bus.handle(send('ok@example.com'));
    const { notificationId: bad } = await world.bus.handle(send('bad@example.com'));
    expect(world.store.analytics).to.deep.equal([]);
    expect(await answer(world, ok, TRANSIENT, 100, 'c-1')).to.equal('retrying');
    expect(await answer(world, ok, DOWN, 200, 'c-2')).to.equal('retrying');
    expect(await answer(world, ok, ACCEPTED, 1_500, 'c-3')).to.equal('sent');
    expect(await answer(world, bad, PERMANENT, 300, 'c-4')).to.equal('failed');
    expect(world.store.analytics).to.deep.equal([
      { at: T0, channel: 'email', type: 'security_alert', status: 'sent', reason: null, deliveryTimeMs: 1_500 },
      { at: T0, channel: 'email', type: 'security_alert', status: 'failed', reason: 'permanent_failure', deliveryTimeMs: null },
    ]);
  });

  it('counts a suppression when it is recorded, and nothing when the unit of work rolls back', async () => {
    const world = fakeContainer({ clock: new FakeClock(T0) });
    await world.bus.handle({ type: 'AddSuppression', channel: 'email', address: 'gone@example.com', reason: 'manual', source: 'test' });
    await world.bus.handle(send('gone@example.com'));
    await rejection(world.bus.handle({ ...send('x@example.com'), notificationType: 'no_such_type' }));
    expect(world.store.analytics).to.deep.equal([{ at: T0, channel: 'email', type: 'security_alert', status: 'suppressed', reason: 'recipient_suppressed', deliveryTimeMs: null }]);
  });

  it('counts a receipt apart, and only the first for a notification (a callback repeated is not a second delivery)', async () => {
    const world = fakeContainer({ clock: new FakeClock(T0) });
    const { notificationId } = await world.bus.handle(send('+15005550006', 'sms'));
    await answer(world, notificationId, ACCEPTED, 50, 'c-1');
    const receipt = { type: 'RecordDeliveryReceipt', channel: 'sms', providerMessageId: 'SM1', status: 'delivered', errorCode: null } as const;
    await world.bus.handle(receipt);
    await world.bus.handle(receipt);
    expect(world.store.analytics.map((o) => o.status)).to.deep.equal(['sent', 'delivered']);
  });

  it('maps only final outcomes: a notification recorded pending or held counts for nothing yet', () => {
    const recorded = { type: 'NotificationRecorded', notificationId: 'n', notificationType: 'welcome', channel: 'push', priority: 'normal', reason: null } as const;
    expect(countedOutcomeOf({ ...recorded, status: 'pending' }, T0)).to.equal(null);
    expect(countedOutcomeOf({ ...recorded, status: 'scheduled', reason: 'quiet_hours' }, T0)).to.equal(null);
    expect(countedOutcomeOf({ ...recorded, status: 'suppressed', reason: 'preference_opt_out' }, T0)).to.deep.equal({
      at: T0,
      channel: 'push',
      type: 'welcome',
      status: 'suppressed',
      reason: 'preference_opt_out',
      deliveryTimeMs: null,
    });
    expect(countedOutcomeOf({ type: 'FeedChanged', userId: 'u' }, T0)).to.equal(null);
  });
});

describe('analytics: the summary and the time series', () => {
  async function world(): Promise<World> {
    const w = fakeContainer({ clock: new FakeClock(T0) });
    for (const [recipient, outcome, ms] of [['a@example.com', ACCEPTED, 100], ['b@example.com', ACCEPTED, 300], ['c@example.com', PERMANENT, 0]] as const) {
      const { notificationId } = await w.bus.handle(send(recipient));
      await answer(w, notificationId, outcome, ms, `claim-${recipient}`);
    }
    w.clock.advance(3_600_000);
    const { notificationId } = await w.bus.handle(send('+15005550006', 'sms'));
    await answer(w, notificationId, { ...ACCEPTED, providerMessageId: 'SM9' }, 2_000, 'claim-sms');
    await w.bus.handle({ type: 'RecordDeliveryReceipt', channel: 'sms', providerMessageId: 'SM9', status: 'undelivered', errorCode: '30003' });
    w.clock.advance(60_000);
    return w;
  }

  it('sums the window: statuses, types, delivery rate per channel, delivery times and receipts', async () => {
    const w = await world();
    const summary = await w.app.get('analyticsQuery').summary(null, null);
    expect(summary).to.deep.equal({
      from: new Date(T0.getTime() + 60_000 - 86_400_000 + 3_600_000),
      to: new Date(T0.getTime() + 3_660_000),
      total: 4,
      byStatus: { sent: 3, failed: 1 },
      byType: { security_alert: 4 },
      byChannelDeliveryRates: { email: { delivered: 2, total: 3, rate: 2 / 3 }, sms: { delivered: 1, total: 1, rate: 1 } },
      avgDeliveryTimeMs: 800,
      deliveryTimeMs: { p50: 279, p95: 1_878, p99: 1_878 },
      failureReasons: { permanent_failure: 1 },
      receipts: { delivered: 0, undelivered: 1 },
    });
  });

  it('charts one point per hour starting in the window, the empty ones included', async () => {
    const w = await world();
    const { interval, points } = await w.app.get('analyticsQuery').timeseries(T0.toISOString(), new Date(T0.getTime() + 3 * 3_600_000).toISOString(), null);
    expect(interval).to.equal('hour');
    expect(points.map((p) => [p.at.toISOString(), p.sent, p.failed, p.suppressed, p.deliveryTimeMs.p50, p.failureReasons])).to.deep.equal([
      ['2026-11-22T10:00:00.000Z', 2, 1, 0, 99, { permanent_failure: 1 }],
      ['2026-11-22T11:00:00.000Z', 1, 0, 0, 1_878, {}],
      ['2026-11-22T12:00:00.000Z', 0, 0, 0, null, {}],
    ]);
  });

  it('refuses a date without an offset, a date that does not exist, from after to, and more than 400 days', async () => {
    const query = fakeContainer().app.get('analyticsQuery');
    const field = async (p: Promise<unknown>) => {
      const error = await rejection(p);
      expect(error).to.be.instanceOf(InvalidValueError);
      return (error as InvalidValueError).message;
    };
    expect(await field(query.summary('2026-11-22T10:00:00', null))).to.match(/^from: .*offset/);
    expect(await field(query.summary(null, '2026-02-30T10:00:00Z'))).to.match(/^to: .*exists/);
    expect(await field(query.summary('2026-11-22T10:00:00Z', '2026-11-22T09:00:00Z'))).to.match(/^from: must not be after to/);
    expect(await field(query.summary('2025-10-01T00:00:00Z', '2026-11-22T00:00:00Z'))).to.match(/^from: must be at most 400 days/);
    expect((await query.summary('2025-10-18T00:00:00Z', '2026-11-22T00:00:00Z')).total).to.equal(0);
  });

  it('refuses an interval other than minute or hour, and minutes over more than 24 hours', async () => {
    const query = fakeContainer().app.get('analyticsQuery');
    const error = (await rejection(query.timeseries(null, null, 'day'))) as InvalidValueError;
    expect([error.field, error.message]).to.deep.equal(['interval', 'interval: must be minute or hour']);
    const long = (await rejection(query.timeseries('2026-11-20T00:00:00Z', '2026-11-22T00:00:00Z', 'minute'))) as InvalidValueError;
    expect(long.field).to.equal('interval');
    expect((await query.timeseries('2026-11-21T00:00:00Z', '2026-11-22T00:00:00Z', 'minute')).points).to.have.length(1_440);
  });
});
