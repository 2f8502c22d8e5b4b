import { expect } from 'chai';
import { fallBackOnFailure } from '../../../src/application/handlers/fall-back.js';
import type { DomainEvent } from '../../../src/domain/events.js';
import { NotificationRequest } from '../../../src/domain/notification-request.js';
import { DEFAULT_RETRY_PLANS, PlannedRetrySchedule } from '../../../src/application/delivery/retry-plans.js';
import { aNewNotification } from '../mothers.js';
import { routed, seeded } from './routing-world.js';

const at = (iso: string) => new Date(iso);
const statusOf = (n: { channel: string; status: string; reason: string | null; nextAttemptAt: Date | null }) => [n.channel, n.status, n.reason, n.nextAttemptAt?.toISOString() ?? null];

describe('quiet hours in the recipient time zone', () => {
  const night = { quietHours: ['22:00', '08:00'] as const, timeZone: 'Europe/Brussels' };

  it('holds every channel but the feed until they end: scheduled, quiet_hours', async () => {
    // 23:30 in Brussels (CET, UTC+1): the window ends at 08:00 local, 07:00 UTC the next day.
    const recorded = await routed({ profile: night, now: at('2026-11-28T22:30:00Z') });
    expect(recorded.map(statusOf)).to.deep.equal([
      ['email', 'scheduled', 'quiet_hours', '2026-11-29T07:00:00.000Z'],
      ['sms', 'scheduled', 'quiet_hours', '2026-11-29T07:00:00.000Z'],
      ['push', 'scheduled', 'quiet_hours', '2026-11-29T07:00:00.000Z'],
      ['webhook', 'scheduled', 'quiet_hours', '2026-11-29T07:00:00.000Z'],
      ['in_app', 'pending', null, '2026-11-28T22:30:00.000Z'],
    ]);
  });

  it('after midnight the window ends the same morning', async () => {
    const [email] = await routed({ profile: night, now: at('2026-11-29T02:00:00Z'), ask: { channel: 'email' } });
    expect(email && statusOf(email)).to.deep.equal(['email', 'scheduled', 'quiet_hours', '2026-11-29T07:00:00.000Z']);
  });

  it('sends at once outside the window (its end is outside it)', async () => {
    const sends = await Promise.all(['2026-11-29T07:00:00Z', '2026-11-29T12:00:00Z', '2026-11-29T20:59:00Z'].map((now) => routed({ profile: night, now: at(now), ask: { channel: 'sms' } })));
    expect(sends.map(([n]) => n?.status)).to.deep.equal(['pending', 'pending', 'pending']);
  });

  it('holds no later than its expiry, so it fails expired then rather than when the window ends', async () => {
    const [sms] = await routed({ profile: night, now: at('2026-11-28T22:30:00Z'), ask: { channel: 'sms', expiresAt: at('2026-11-28T23:00:00Z') } });
    expect(sms && statusOf(sms)).to.deep.equal(['sms', 'scheduled', 'quiet_hours', '2026-11-28T23:00:00.000Z']);
  });

  it('sends critical notifications at once', async () => {
    const [sms] = await routed({ profile: night, now: at('2026-11-28T22:30:00Z'), ask: { channel: 'sms', priority: 'critical' } });
    expect(sms?.status).to.equal('pending');
  });

  it('reads the window in UTC for a profile without a time zone', async () => {
    const [sms] = await routed({ profile: { quietHours: ['22:00', '08:00'] }, now: at('2026-11-28T22:30:00Z'), ask: { channel: 'sms' } });
    expect(sms && statusOf(sms)).to.deep.equal(['sms', 'scheduled', 'quiet_hours', '2026-11-29T08:00:00.000Z']);
  });

  it('ends at 08:00 summer time on the night clocks go forward', async () => {
    // 2026-03-29 in Brussels: 02:00 CET becomes 03:00 CEST; 08:00 CEST is 06:00 UTC.
    const [push] = await routed({ profile: night, now: at('2026-03-29T00:30:00Z'), ask: { channel: 'push' } });
    expect(push && statusOf(push)).to.deep.equal(['push', 'scheduled', 'quiet_hours', '2026-03-29T06:00:00.000Z']);
  });

  it('ends at 08:00 winter time on the night clocks go back', async () => {
    // 2026-10-25: 03:00 CEST becomes 02:00 CET; 08:00 CET is 07:00 UTC.
    const [push] = await routed({ profile: night, now: at('2026-10-24T23:30:00Z'), ask: { channel: 'push' } });
    expect(push && statusOf(push)).to.deep.equal(['push', 'scheduled', 'quiet_hours', '2026-10-25T07:00:00.000Z']);
  });

  it('keeps a suppressed channel suppressed (quiet hours defer only what would go)', async () => {
    const [sms] = await routed({ profile: { ...night, phone: false }, now: at('2026-11-28T22:30:00Z'), ask: { channel: 'sms' } });
    expect(sms && statusOf(sms)).to.deep.equal(['sms', 'suppressed', 'no_contact_point', null]);
  });

  it("takes the recipient's language as the locale unless the request names one, and records their time zone", async () => {
    const [own] = await routed({ profile: { language: 'fr-BE', timeZone: 'Europe/Brussels' }, ask: { channel: 'email' } });
    const [asked] = await routed({ profile: { language: 'fr-BE' }, ask: { channel: 'email', locale: 'de' } });
    expect([own?.locale, own?.timeZone, asked?.locale, asked?.timeZone]).to.deep.equal(['fr-BE', 'Europe/Brussels', 'de', null]);
  });
});

describe('first-routed fallback', () => {
  const schedule = new PlannedRetrySchedule(DEFAULT_RETRY_PLANS, () => 0.5);
  const claimed = (fallback: readonly ('push' | 'email')[]) => {
    const n = NotificationRequest.restore({
      ...NotificationRequest.request(aNewNotification({ channel: 'sms', recipient: '+15551234567', fallback, secretVariables: ['code'], content: { subject: null, body: null, templateVars: { code: '1234' } } }), new Date(0)).snapshot(),
      status: 'sending',
      claimToken: 'claim-1',
    });
    n.pullEvents();
    return n;
  };
  const fail = (n: NotificationRequest) => n.record({ kind: 'permanent', error: 'unreachable', response: null }, { attemptedAt: new Date(1000), latencyMs: 5 }, schedule);

  it('a permanent failure asks for the next channels, with the variables as asked', () => {
    const n = claimed(['push', 'email']);
    fail(n);
    const due = n.pullEvents().find((e): e is Extract<DomainEvent, { type: 'FallbackDue' }> => e.type === 'FallbackDue');
    expect([due?.channels, due?.content.templateVars, n.snapshot().content.templateVars]).to.deep.equal([['push', 'email'], { code: '1234' }, {}]);
  });

  it('nothing falls back without channels left, nor after a transient answer', () => {
    const last = claimed([]);
    fail(last);
    const retried = claimed(['push']);
    retried.record({ kind: 'transient', error: 'busy', response: null }, { attemptedAt: new Date(1000), latencyMs: 5 }, schedule);
    expect([...last.pullEvents(), ...retried.pullEvents()].map((e) => e.type)).to.not.include('FallbackDue');
  });

  it('the reaction records the next channel that can be sent on, from the profile, with the same request and template version', async () => {
    // Version 2, published since, requires a variable the request never had: the fallback keeps to version 1.
    const { store, uow, deps } = await seeded({ route: ['sms', 'push', 'email'], profile: { tokens: [] }, liveVariables: [{ name: 'eta', type: 'string', required: true, secret: false }] });
    const content = { subject: null, body: null, templateVars: { code: '1234' } };
    const due = { type: 'FallbackDue', notificationId: 'n-0', userId: 'u-1', notificationType: 'order_status_update', channels: ['push', 'email'], templateVersion: 1, content, priority: 'low', locale: 'fr', expiresAt: null, correlationId: 'corr-1', sourceEventId: 'evt-1' } as const;
    await uow.execute((u) => fallBackOnFailure(deps).handle(due, u));
    const recorded = [...store.notifications.values()].map((n) => [n.channel, n.status, n.reason, n.recipient, n.fallback, n.priority, n.locale, n.sourceEventId, n.content.templateVars, n.templateVersion, n.fallbackOf]);
    expect(recorded).to.deep.equal([
      ['push', 'suppressed', 'no_contact_point', '', ['email'], 'low', 'fr', 'evt-1', { code: '1234' }, 1, 'n-0'],
      ['email', 'pending', null, 'ada@example.com', [], 'low', 'fr', 'evt-1', { code: '1234' }, 1, 'n-0'],
    ]);
  });
});
