import { expect } from 'chai';
import type { EventHandler, HandlerRegistry } from '../../../src/application/handler-types.js';
import { buildHandlerRegistry } from '../../../src/application/handlers/index.js';
import type { MessageBus } from '../../../src/application/message-bus.js';
import type { CommandOf, InboundEvent, SendReport } from '../../../src/domain/commands.js';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import {
  IdempotencyKeyMismatchError,
  InvalidTransitionError,
  NotificationNotFoundError,
  PayloadConflictError,
} from '../../../src/domain/errors.js';
import { preferenceFlags } from '../../../src/domain/notification-preferences.js';
import type { NotificationSnapshot } from '../../../src/domain/notification-request.js';
import { FakeClock, type InMemoryStore } from '../../support/fakes.js';
import { fakeContainer, testHandlerDeps } from '../../support/test-container.js';
import { NO_DELIVERY_SETTINGS, NO_STORED_CONTACT_POINTS, T0 } from '../mothers.js';
import { rejection } from '../rejection.js';

const ALL_ON = preferenceFlags();
const LEASE_MS = 60_000;

/** The ids SequentialIds hands out, in order: the handlers' notifications are numbered from 1. */
const nth = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** The real composition root with fakes; handlers built with deterministic jitter (0.5) and schedule. */
function pipeline(customise: (base: HandlerRegistry) => HandlerRegistry = (base) => base) {
  const clock = new FakeClock(T0);
  const handlers = customise(buildHandlerRegistry(testHandlerDeps(clock)));
  return { ...fakeContainer({ clock, handlers }), clock };
}

type Pipeline = ReturnType<typeof pipeline>;

function receive(event: InboundEvent, fields: Partial<CommandOf<'ReceiveEvent'>> = {}): CommandOf<'ReceiveEvent'> {
  const eventType = event.kind === 'UserRegistered' ? 'user.registered' : `user.${event.notificationType}_requested`;
  return { type: 'ReceiveEvent', eventId: 'evt-1', payloadHash: 'hash-1', eventType, event, correlationId: 'corr-1', ...fields };
}

function requested(fields: Partial<Extract<InboundEvent, { kind: 'NotificationRequested' }>> = {}): InboundEvent {
  return {
    kind: 'NotificationRequested',
    notificationType: 'password_reset',
    userId: 'u-1',
    channel: 'email',
    recipient: 'event@example.com',
    templateVars: { username: 'ada', email: 'event@example.com', reset_token: 'tok-1' },
    priority: null,
    locale: null,
    expiresAt: null,
    sendAt: null,
    variablesField: 'template_vars',
    subject: null,
    content: null,
    ...fields,
  };
}

function registered(fields: Partial<Extract<InboundEvent, { kind: 'UserRegistered' }>> = {}): InboundEvent {
  return { kind: 'UserRegistered', userId: 'u-1', username: 'ada', email: 'ada@example.com', ...fields };
}

function createPreferences(fields: Partial<CommandOf<'CreatePreferences'>> = {}): CommandOf<'CreatePreferences'> {
  return { type: 'CreatePreferences', userId: 'u-1', notificationEmail: 'stored@example.com', preferences: {}, ...fields };
}

function replacePreferences(fields: Partial<CommandOf<'ReplacePreferences'>> = {}): CommandOf<'ReplacePreferences'> {
  return { type: 'ReplacePreferences', userId: 'u-1', notificationEmail: 'stored@example.com', preferences: {}, ...fields };
}

function send(fields: Partial<CommandOf<'SendNotification'>> = {}): CommandOf<'SendNotification'> {
  return {
    type: 'SendNotification',
    notificationType: 'security_alert',
    channel: 'email',
    recipient: 'ada@example.com',
    userId: 'u-1',
    subject: null,
    content: null,
    templateVars: { alert_message: 'New sign-in' },
    variablesField: 'template_vars',
    priority: null,
    locale: null,
    expiresAt: null,
    correlationId: 'corr-1',
    idempotency: null,
    ...fields,
  };
}

function stored(store: InMemoryStore, id: string): NotificationSnapshot {
  const snapshot = store.notifications.get(id);
  if (!snapshot) throw new Error(`no notification ${id} in the store`);
  return snapshot;
}

function notifications(store: InMemoryStore): NotificationSnapshot[] {
  return [...store.notifications.values()];
}

/** Every table of the store, copied: to compare before and after a command that must change nothing. */
function tables(store: InMemoryStore) {
  const { preferences, notifications, apiKeys, inbox, outbox, idempotency } = store;
  return [preferences, notifications, apiKeys, inbox, outbox, idempotency].map((table) => new Map<string, unknown>(table));
}

/** What the delivery queue does (its rule is tested against PostgreSQL): takes the notification for one send. */
function claim({ store, clock }: Pipeline, id: string, claimToken: string): void {
  const leaseExpiresAt = new Date(clock.now().getTime() + LEASE_MS);
  store.notifications.set(id, { ...stored(store, id), status: 'sending', claimToken, leaseExpiresAt, nextAttemptAt: null });
}

function outcome(id: string, sent: SendOutcome, claimToken: string, attemptedAt: Date): SendReport {
  return { notificationId: id, claimToken, outcome: sent, attemptedAt, latencyMs: 42 };
}

/** Records one report (a batch of one) and returns its status. */
async function recorded(bus: MessageBus, one: SendReport) {
  const [status] = await bus.handle({ type: 'RecordSendReports', reports: [one] });
  return status;
}

const ACCEPTED: SendOutcome = { kind: 'accepted', response: '250 2.0.0 OK queued as 1234', providerMessageId: null };
const TRANSIENT: SendOutcome = { kind: 'transient', error: '451 4.3.0 try again later', response: '451 4.3.0 try again later' };
const PERMANENT: SendOutcome = { kind: 'permanent', error: '550 5.1.1 mailbox unavailable', response: '550 5.1.1 mailbox unavailable' };
const AMBIGUOUS: SendOutcome = { kind: 'ambiguous', error: 'connection closed after DATA', response: null };

/** A notification asked for over REST and claimed by a worker with `claim-1`. */
async function aSendingNotification(p: Pipeline): Promise<string> {
  const { notificationId } = await p.bus.handle(send());
  claim(p, notificationId, 'claim-1');
  return notificationId;
}

function outboxOf(store: InMemoryStore, className: string) {
  return [...store.outbox.values()].filter((row) => row.className === className);
}

describe('ReceiveEvent', () => {
  it('turns an event with a send_at still ahead into a one-off schedule, checked now, and requests nothing yet', async () => {
    const { bus, store, clock } = pipeline();
    const sendAt = new Date(clock.now().getTime() + 60_000);
    expect(await bus.handle(receive(requested({ sendAt })))).to.deep.equal({ outcome: 'processed', notificationIds: [] });
    expect(store.notifications.size).to.equal(0);
    const [schedule] = [...store.schedules.values()];
    expect(schedule).to.deep.include({ nextFireAt: sendAt, recurrence: null, status: 'active' });
    expect(schedule?.request).to.deep.include({ notificationType: 'password_reset', recipient: 'event@example.com', userId: 'u-1' });
    const late = requested({ sendAt, templateVars: { username: 'ada' } });
    expect(((await rejection(bus.handle(receive(late, { eventId: 'evt-2' })))) as Error).message).to.equal('template_vars.reset_token: is required');
  });

  it('records the order an order event is about, from its variables', async () => {
    const { bus, store } = pipeline();
    const items = [{ product_id: 'p-1', product_name: 'Pen', quantity: 1, price: 2 }];
    const order = requested({ notificationType: 'order_confirmation', templateVars: { order_id: 4711, user_email: 'event@example.com', total_amount: 2, status: 'paid', items } });
    const { notificationIds } = await bus.handle(receive(order));
    expect(store.notifications.get(notificationIds[0] as string)?.orderId).to.equal('4711');
  });

  it('requests at once an event whose send_at has passed', async () => {
    const { bus, clock } = pipeline();
    const result = await bus.handle(receive(requested({ sendAt: new Date(clock.now().getTime() - 1) })));
    expect(result.notificationIds).to.have.lengthOf(1);
  });

  it('records one pending notification with the template vars, correlation id and source event id, and the inbox row', async () => {
    const { bus, store } = pipeline();
    const result = await bus.handle(receive(requested()));
    expect(result).to.deep.equal({ outcome: 'processed', notificationIds: [nth(1)] });
    expect(notifications(store)).to.deep.equal([
      {
        id: nth(1),
        userId: 'u-1',
        type: 'password_reset',
        channel: 'email',
        recipient: 'event@example.com',
        fromProfile: false,
        content: { subject: null, body: null, templateVars: { username: 'ada', email: 'event@example.com', reset_token: 'tok-1' } },
        priority: 'critical',
        status: 'pending',
        reason: null,
        attempts: [],
        deferrals: 0,
        leaseExpiries: 0,
        nextAttemptAt: T0,
        leaseExpiresAt: null,
        claimToken: null,
        correlationId: 'corr-1',
        orderId: null,
        sourceEventId: 'evt-1',
        retryOf: null,
        secretVariables: ['reset_token'],
        templateVersion: 1,
        locale: null,
        timeZone: null,
        expiresAt: null,
        fallback: [],
        fallbackOf: null,
        providerMessageId: null,
        receipt: null,
        createdAt: T0,
        updatedAt: T0,
      },
    ]);
    expect([...store.inbox.entries()]).to.deep.equal([
      ['evt-1', { payloadHash: 'hash-1', eventType: 'user.password_reset_requested', receivedAt: T0 }],
    ]);
  });

  it('reports the same event id and payload hash again as a duplicate and changes nothing', async () => {
    const { bus, store } = pipeline();
    await bus.handle(receive(requested()));
    const before = tables(store);
    const result = await bus.handle(receive(requested()));
    expect(result).to.deep.equal({ outcome: 'duplicate', notificationIds: [] });
    expect(tables(store)).to.deep.equal(before);
  });

  it('refuses the same event id with another payload hash and rolls back', async () => {
    const { bus, store } = pipeline();
    await bus.handle(receive(requested()));
    const before = tables(store);
    const rollbacks = store.rollbacks;
    const error = await rejection(bus.handle(receive(requested({ templateVars: { reset_token: 'tok-2' } }), { payloadHash: 'hash-2' })));
    expect(error).to.be.instanceOf(PayloadConflictError);
    expect((error as PayloadConflictError).eventId).to.equal('evt-1');
    expect(tables(store)).to.deep.equal(before);
    expect(store.rollbacks).to.equal(rollbacks + 1);
  });

  it('creates default preferences and a welcome to the registered email for UserRegistered, in one commit', async () => {
    const { bus, store } = pipeline();
    const commits = store.commits;
    const result = await bus.handle(receive(registered(), { eventType: 'user.registered' }));
    expect(result).to.deep.equal({ outcome: 'processed', notificationIds: [] });
    expect(store.commits).to.equal(commits + 1);
    expect(store.preferences.get('u-1')).to.deep.equal({
      userId: 'u-1',
      notificationEmail: 'ada@example.com',
      preferences: ALL_ON,
      ...NO_STORED_CONTACT_POINTS,
      ...NO_DELIVERY_SETTINGS,
      version: 1,
      createdAt: T0,
      updatedAt: T0,
    });
    const [welcome, ...others] = notifications(store);
    expect(others).to.deep.equal([]);
    expect(welcome).to.deep.include({ userId: 'u-1', type: 'welcome', recipient: 'ada@example.com', status: 'pending', nextAttemptAt: T0 });
    expect(welcome?.content.templateVars).to.deep.include({ username: 'ada' });
    expect(store.inbox.has('evt-1')).to.equal(true);
  });

  it('changes nothing and sends no second welcome for UserRegistered of a user who already has preferences', async () => {
    const { bus, store } = pipeline();
    await bus.handle(receive(registered(), { eventId: 'evt-1', eventType: 'user.registered' }));
    const preferences = store.preferences.get('u-1');
    const before = notifications(store);
    const result = await bus.handle(
      receive(registered({ username: 'ada2', email: 'other@example.com' }), { eventId: 'evt-2', payloadHash: 'hash-2', eventType: 'user.registered' }),
    );
    expect(result).to.deep.equal({ outcome: 'processed', notificationIds: [] });
    expect(store.preferences.get('u-1')).to.deep.equal(preferences);
    expect(notifications(store)).to.deep.equal(before);
    expect(notifications(store).filter((n) => n.type === 'welcome')).to.have.length(1);
    expect([...store.inbox.keys()]).to.deep.equal(['evt-1', 'evt-2']);
  });
});

describe('the recipient of an event-driven notification', () => {
  it('is the event address for an email verification and the stored notification email for a password reset', async () => {
    const { bus, store } = pipeline();
    await bus.handle(createPreferences({ notificationEmail: 'stored@example.com' }));
    const verification = requested({ notificationType: 'email_verification', templateVars: { username: 'ada', verify_token: 'v-1' } });
    const [verificationId] = (await bus.handle(receive(verification, { eventId: 'evt-1' }))).notificationIds;
    const [resetId] = (await bus.handle(receive(requested(), { eventId: 'evt-2' }))).notificationIds;
    expect(stored(store, verificationId ?? '').recipient).to.equal('event@example.com');
    expect(stored(store, resetId ?? '').recipient).to.equal('stored@example.com');
  });

  it('is the event address for a user without stored preferences', async () => {
    const { bus, store } = pipeline();
    const [id] = (await bus.handle(receive(requested({ userId: 'u-without-preferences' })))).notificationIds;
    expect(stored(store, id ?? '')).to.deep.include({ userId: 'u-without-preferences', recipient: 'event@example.com', status: 'pending' });
    expect(store.preferences.size).to.equal(0);
  });
});

describe('an opted-out notification type', () => {
  it('is recorded as suppressed with reason preference_opt_out and is not pending', async () => {
    const { bus, store } = pipeline();
    await bus.handle(createPreferences({ preferences: { password_reset: false } }));
    const [id] = (await bus.handle(receive(requested()))).notificationIds;
    expect(stored(store, id ?? '')).to.deep.include({
      type: 'password_reset',
      status: 'suppressed',
      reason: 'preference_opt_out',
      nextAttemptAt: null,
    });
    expect(notifications(store).filter((n) => n.type === 'password_reset' && n.status === 'pending')).to.deep.equal([]);
  });

  it('suppresses the welcome itself when preferences are created with welcome off', async () => {
    const { bus, store } = pipeline();
    await bus.handle(createPreferences({ preferences: { welcome: false } }));
    expect(notifications(store).map((n) => [n.type, n.status, n.reason])).to.deep.equal([
      ['welcome', 'suppressed', 'preference_opt_out'],
    ]);
  });
});

describe('reactions to the preferences REST commands', () => {
  it('sends one welcome to the notification email when preferences are created', async () => {
    const { bus, store } = pipeline();
    await bus.handle(createPreferences());
    expect(notifications(store).map((n) => [n.type, n.recipient, n.status, n.userId])).to.deep.equal([
      ['welcome', 'stored@example.com', 'pending', 'u-1'],
    ]);
  });

  it('sends the security alert to the previous address and the new one when a replace changes the address', async () => {
    const { bus, store } = pipeline();
    await bus.handle(createPreferences());
    await bus.handle(replacePreferences({ notificationEmail: 'new@example.com' }));
    const alerts = notifications(store).filter((n) => n.type === 'security_alert');
    expect(alerts.map((n) => [n.recipient, n.status])).to.deep.equal([
      ['stored@example.com', 'pending'],
      ['new@example.com', 'pending'],
    ]);
    expect(alerts[0]?.content.templateVars).to.deep.include({ alert_message: 'Your notification preferences have been updated' });
    expect(notifications(store)).to.have.length(3);
  });

  it('sends one security alert to the unchanged address when only the flags change', async () => {
    const { bus, store } = pipeline();
    await bus.handle(createPreferences());
    await bus.handle(replacePreferences({ preferences: { order_status_update: false } }));
    const alerts = notifications(store).filter((n) => n.type === 'security_alert');
    expect(alerts.map((n) => [n.recipient, n.status])).to.deep.equal([['stored@example.com', 'pending']]);
  });

  it('creates no notification when a replace changes nothing', async () => {
    const { bus, store } = pipeline();
    await bus.handle(createPreferences({ preferences: { welcome: false } }));
    const before = notifications(store);
    await bus.handle(replacePreferences({ notificationEmail: 'stored@EXAMPLE.com', preferences: { welcome: false } }));
    expect(notifications(store)).to.deep.equal(before);
  });

  it('creates preferences and a welcome, not a security alert, when replacing for an absent user', async () => {
    const { bus, store } = pipeline();
    const result = await bus.handle(replacePreferences());
    expect(result.created).to.equal(true);
    expect(store.preferences.has('u-1')).to.equal(true);
    expect(notifications(store).map((n) => n.type)).to.deep.equal(['welcome']);
  });

  it('sends the alert of a replace that turns security alerts off and redirects mail, to the old address too', async () => {
    const { bus, store } = pipeline();
    await bus.handle(createPreferences());
    await bus.handle(replacePreferences({ notificationEmail: 'attacker@example.com', preferences: { security_alert: false } }));
    const alerts = notifications(store).filter((n) => n.type === 'security_alert');
    expect(alerts.map((n) => [n.recipient, n.status, n.reason])).to.deep.equal([
      ['stored@example.com', 'pending', null],
      ['attacker@example.com', 'pending', null],
    ]);
  });
});

describe('the transactional outbox', () => {
  it('holds NotificationPreferencesCreated with its routing key, class name and published body', async () => {
    const { bus, store } = pipeline();
    await bus.handle(createPreferences());
    const rows = [...store.outbox.entries()];
    expect(rows).to.have.length(1);
    const [rowId, row] = rows[0] ?? [];
    expect(row).to.deep.include({ eventId: rowId, routingKey: 'notification.preferences_created', className: 'NotificationPreferencesCreated' });
    expect(row?.body).to.deep.equal({
      event_type: 'notification.preferences_created',
      event_id: rowId,
      correlation_id: null,
      timestamp: T0.getTime() / 1000,
      source_service: 'notification',
      userid: 'u-1',
      notification_email: 'stored@example.com',
      preferences: ALL_ON,
      phone_number: null,
      push_tokens: [],
      webhook_url: null,
      webhook_disabled_at: null,
      language: null,
      timezone: null,
      quiet_hours: null,
      channels: NO_DELIVERY_SETTINGS.channels,
      overrides: {},
    });
    expect(typeof row?.body.timestamp).to.equal('number');
  });

  it('never holds the internal NotificationRecorded', async () => {
    const { bus, store } = pipeline();
    await bus.handle(createPreferences());
    await bus.handle(receive(requested()));
    await bus.handle(send());
    expect(notifications(store)).to.have.length(3);
    expect([...store.outbox.values()].map((row) => row.className)).to.deep.equal(['NotificationPreferencesCreated']);
  });

  it('holds NotificationPreferencesUpdated when a replace changes something', async () => {
    const { bus, store } = pipeline();
    await bus.handle(createPreferences());
    await bus.handle(replacePreferences({ preferences: { order_status_update: false } }));
    const [updated, ...others] = outboxOf(store, 'NotificationPreferencesUpdated');
    expect(others).to.deep.equal([]);
    expect(updated?.routingKey).to.equal('notification.preferences_updated');
    expect(updated?.body).to.deep.include({
      event_type: 'notification.preferences_updated',
      userid: 'u-1',
      notification_email: 'stored@example.com',
      preferences: { ...ALL_ON, order_status_update: false },
    });
  });
});

describe('a failing reaction', () => {
  const failing: EventHandler<'NotificationPreferencesCreated'> = {
    name: 'failing',
    handle: async () => {
      throw new Error('reaction failed');
    },
  };
  const withFailingWelcome = (base: HandlerRegistry): HandlerRegistry => ({
    ...base,
    reactions: { ...base.reactions, NotificationPreferencesCreated: [...base.reactions.NotificationPreferencesCreated, failing] },
  });

  it('fails CreatePreferences and rolls back the preferences, the welcome and the outbox row', async () => {
    const { bus, store } = pipeline(withFailingWelcome);
    const error = await rejection(bus.handle(createPreferences()));
    expect(error.message).to.equal('reaction failed');
    expect(store.preferences.size).to.equal(0);
    expect(store.notifications.size).to.equal(0);
    expect(store.outbox.size).to.equal(0);
    expect(store.rollbacks).to.equal(1);
    expect(store.commits).to.equal(0);
  });

  it('fails UserRegistered without recording it in the inbox, so a redelivery processes it again', async () => {
    const { bus, store } = pipeline(withFailingWelcome);
    await rejection(bus.handle(receive(registered(), { eventType: 'user.registered' })));
    expect(tables(store).map((table) => table.size)).to.deep.equal([0, 0, 0, 0, 0, 0]);
  });
});

describe('RecordSendReports', () => {
  it('marks an accepted attempt sent, records it with the response and writes one NotificationSent', async () => {
    const p = pipeline();
    const id = await aSendingNotification(p);
    p.clock.advance(500);
    const status = await recorded(p.bus, outcome(id, ACCEPTED, 'claim-1', p.clock.now()));
    expect(status).to.equal('sent');
    expect(stored(p.store, id)).to.deep.include({ status: 'sent', claimToken: null, leaseExpiresAt: null, nextAttemptAt: null });
    expect(stored(p.store, id).attempts).to.deep.equal([
      { number: 1, attemptedAt: p.clock.now(), outcome: 'accepted', response: '250 2.0.0 OK queued as 1234', error: null, latencyMs: 42 },
    ]);
    const sent = outboxOf(p.store, 'NotificationSent');
    expect(sent).to.have.length(1);
    expect(sent[0]).to.deep.include({ routingKey: 'notification.sent', correlationId: 'corr-1' });
    expect(sent[0]?.body).to.deep.include({
      event_type: 'notification.sent',
      correlation_id: 'corr-1',
      source_service: 'notification',
      notification_id: id,
      userid: 'u-1',
      notification_type: 'security_alert',
      channel: 'email',
      recipient: 'ada@example.com',
    });
  });

  it('schedules transient failures on the critical plan (jitter 0 with random 0.5) and fails after the seventh attempt', async () => {
    const p = pipeline();
    const id = await aSendingNotification(p);
    const delays = [1_000, 5_000, 15_000, 60_000, 300_000, 900_000];
    for (const [i, delay] of delays.entries()) {
      if (i > 0) claim(p, id, `claim-${i + 1}`);
      const status = await recorded(p.bus, outcome(id, TRANSIENT, `claim-${i + 1}`, p.clock.now()));
      expect(status).to.equal('retrying');
      expect(stored(p.store, id)).to.deep.include({
        status: 'retrying',
        nextAttemptAt: new Date(p.clock.now().getTime() + delay),
        claimToken: null,
      });
      p.clock.advance(delay);
    }
    expect(outboxOf(p.store, 'NotificationFailed')).to.deep.equal([]);
    claim(p, id, 'claim-7');
    expect(await recorded(p.bus, outcome(id, TRANSIENT, 'claim-7', p.clock.now()))).to.equal('failed');
    const failed = stored(p.store, id);
    expect(failed).to.deep.include({ status: 'failed', reason: 'retries_exhausted', nextAttemptAt: null });
    expect(failed.attempts.map((a) => [a.number, a.outcome, a.error])).to.deep.equal(
      [1, 2, 3, 4, 5, 6, 7].map((n) => [n, 'transient_failure', '451 4.3.0 try again later']),
    );
    const [event, ...others] = outboxOf(p.store, 'NotificationFailed');
    expect(others).to.deep.equal([]);
    expect(event?.routingKey).to.equal('notification.failed');
    expect(event?.body).to.deep.include({
      notification_id: id,
      error_message: '451 4.3.0 try again later',
      retry_count: 6,
      reason: 'retries_exhausted',
      recipient: 'ada@example.com',
    });
    expect(outboxOf(p.store, 'NotificationSent')).to.deep.equal([]);
  });

  it('fails a permanent failure at once with its error message', async () => {
    const p = pipeline();
    const id = await aSendingNotification(p);
    expect(await recorded(p.bus, outcome(id, PERMANENT, 'claim-1', p.clock.now()))).to.equal('failed');
    expect(stored(p.store, id).status).to.equal('failed');
    expect(stored(p.store, id).attempts.map((a) => [a.outcome, a.response])).to.deep.equal([
      ['permanent_failure', '550 5.1.1 mailbox unavailable'],
    ]);
    const failed = outboxOf(p.store, 'NotificationFailed');
    expect(failed.map((row) => [row.body.error_message, row.body.retry_count])).to.deep.equal([['550 5.1.1 mailbox unavailable', 0]]);
  });

  it('retries an ambiguous attempt, recording it as ambiguous', async () => {
    const p = pipeline();
    const id = await aSendingNotification(p);
    expect(await recorded(p.bus, outcome(id, AMBIGUOUS, 'claim-1', p.clock.now()))).to.equal('retrying');
    expect(stored(p.store, id)).to.deep.include({ status: 'retrying', nextAttemptAt: new Date(T0.getTime() + 1_000) });
    expect(stored(p.store, id).attempts.map((a) => [a.outcome, a.error])).to.deep.equal([['ambiguous', 'connection closed after DATA']]);
    expect(p.store.outbox.size).to.equal(0);
  });

  it('hands a send refused by an open circuit back as pending after the provider-down backoff, recording no attempt', async () => {
    const p = pipeline();
    const id = await aSendingNotification(p);
    const refused: SendOutcome = { kind: 'provider_down', error: 'email circuit open', response: null, attempted: false, configurationFault: false };
    expect(await recorded(p.bus, outcome(id, refused, 'claim-1', p.clock.now()))).to.equal('pending');
    expect(stored(p.store, id)).to.deep.include({ status: 'pending', deferrals: 1, nextAttemptAt: new Date(T0.getTime() + 1_000) });
    expect(stored(p.store, id).attempts).to.deep.equal([]);
    expect(p.store.outbox.size).to.equal(0);
  });

  it('defers a provider-down answer for ever without failing, doubling the wait up to five minutes', async () => {
    const p = pipeline();
    const id = await aSendingNotification(p);
    const down: SendOutcome = { kind: 'provider_down', error: '421 4.7.0 try later', response: '421 4.7.0 try later', attempted: true, configurationFault: false };
    const waits: number[] = [];
    for (let i = 1; i <= 12; i++) {
      claim(p, id, `claim-${i}`);
      expect(await recorded(p.bus, outcome(id, down, `claim-${i}`, p.clock.now()))).to.equal('pending');
      waits.push((stored(p.store, id).nextAttemptAt?.getTime() ?? 0) - p.clock.now().getTime());
      p.clock.advance(waits.at(-1) ?? 0);
    }
    expect(waits).to.deep.equal([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 150_000, 150_000, 150_000, 150_000]);
    // The first five show in the history; the rest only count, so a long outage adds no rows.
    expect(stored(p.store, id).attempts.map((a) => a.outcome)).to.deep.equal(Array(5).fill('provider_down'));
    expect(stored(p.store, id).deferrals).to.equal(12);
    expect(p.store.outbox.size).to.equal(0);
  });

  it('records nothing for a worker whose lease expired and whose notification another worker took over', async () => {
    const p = pipeline();
    const id = await aSendingNotification(p);
    p.clock.advance(LEASE_MS);
    claim(p, id, 'claim-2');
    const before = tables(p.store);
    expect(await recorded(p.bus, outcome(id, ACCEPTED, 'claim-1', p.clock.now()))).to.equal('claim_lost');
    expect(tables(p.store)).to.deep.equal(before);
    expect(stored(p.store, id)).to.deep.include({ status: 'sending', claimToken: 'claim-2', attempts: [] });
  });

  it('records several outcomes in one transaction, each on its own notification, statuses in order', async () => {
    const p = pipeline();
    const first = await aSendingNotification(p);
    const second = await aSendingNotification(p);
    const third = await aSendingNotification(p);
    p.clock.advance(LEASE_MS);
    claim(p, third, 'claim-2');
    const statuses = await p.bus.handle({
      type: 'RecordSendReports',
      reports: [outcome(first, ACCEPTED, 'claim-1', p.clock.now()), outcome(second, PERMANENT, 'claim-1', p.clock.now()), outcome(third, ACCEPTED, 'claim-1', p.clock.now())],
    });
    expect(statuses).to.deep.equal(['sent', 'failed', 'claim_lost']);
    expect([first, second, third].map((id) => stored(p.store, id).attempts.map((a) => a.outcome))).to.deep.equal([['accepted'], ['permanent_failure'], []]);
    expect(outboxOf(p.store, 'NotificationSent').map((e) => e.body.notification_id)).to.deep.equal([first]);
    expect(outboxOf(p.store, 'NotificationFailed').map((e) => e.body.notification_id)).to.deep.equal([second]);
  });

  it('refuses an unknown notification id', async () => {
    const { bus } = pipeline();
    const missing = '00000000-0000-4000-8000-0000000000ff';
    const error = await rejection(recorded(bus, outcome(missing, ACCEPTED, 'claim-1', T0)));
    expect(error).to.be.instanceOf(NotificationNotFoundError);
    expect((error as NotificationNotFoundError).notificationId).to.equal(missing);
  });
});

describe('RetryNotification', () => {
  it('creates a new pending notification linked by retry_of, leaving the failed one and its outcome alone', async () => {
    const p = pipeline();
    const id = await aSendingNotification(p);
    await recorded(p.bus, outcome(id, PERMANENT, 'claim-1', p.clock.now()));
    const failed = stored(p.store, id);
    p.clock.advance(3_600_000);
    const result = await p.bus.handle({ type: 'RetryNotification', notificationId: id });
    expect(result).to.deep.equal({ notificationId: nth(2), status: 'pending', retryOf: id, fallbacks: [] });
    expect(stored(p.store, id)).to.deep.equal(failed);
    expect(stored(p.store, nth(2))).to.deep.include({ status: 'pending', retryOf: id, nextAttemptAt: p.clock.now(), attempts: [], recipient: failed.recipient });
    expect(stored(p.store, nth(2)).content).to.deep.equal(failed.content);
    expect(outboxOf(p.store, 'NotificationFailed')).to.have.length(1);
  });

  it('records the key that asked for a retry in the audit log, with the new notification', async () => {
    const p = pipeline();
    const id = await aSendingNotification(p);
    await recorded(p.bus, outcome(id, PERMANENT, 'claim-1', p.clock.now()));
    await p.bus.handle({ type: 'RetryNotification', notificationId: id, actor: 'key-1' });
    expect([...p.store.audit.values()]).to.deep.equal([
      { action: 'notification.retried', keyId: 'key-1', target: { type: 'notification', id, detail: { retry: nth(2) } }, at: p.clock.now() },
    ]);
  });

  it('audits nothing when the retry is refused, or when no key asked for it', async () => {
    const p = pipeline();
    const id = await aSendingNotification(p);
    await rejection(p.bus.handle({ type: 'RetryNotification', notificationId: id, actor: 'key-1' }));
    await recorded(p.bus, outcome(id, PERMANENT, 'claim-1', p.clock.now()));
    await p.bus.handle({ type: 'RetryNotification', notificationId: id });
    expect(p.store.audit.size).to.equal(0);
  });

  it('refuses a second retry of the same failed notification, naming the first', async () => {
    const p = pipeline();
    const id = await aSendingNotification(p);
    await recorded(p.bus, outcome(id, PERMANENT, 'claim-1', p.clock.now()));
    await p.bus.handle({ type: 'RetryNotification', notificationId: id });
    const error = await rejection(p.bus.handle({ type: 'RetryNotification', notificationId: id }));
    expect(error).to.be.instanceOf(InvalidTransitionError);
    expect(error.message).to.equal(`notification ${id} was already retried as ${nth(2)}`);
    expect(p.store.notifications.size).to.equal(2);
  });

  it('refuses to retry a sent notification and changes nothing', async () => {
    const p = pipeline();
    const id = await aSendingNotification(p);
    await recorded(p.bus, outcome(id, ACCEPTED, 'claim-1', p.clock.now()));
    const before = tables(p.store);
    const error = await rejection(p.bus.handle({ type: 'RetryNotification', notificationId: id }));
    expect(error).to.be.instanceOf(InvalidTransitionError);
    expect(tables(p.store)).to.deep.equal(before);
  });

  it('refuses to retry a pending notification', async () => {
    const { bus } = pipeline();
    const { notificationId } = await bus.handle(send());
    expect(await rejection(bus.handle({ type: 'RetryNotification', notificationId }))).to.be.instanceOf(InvalidTransitionError);
  });

  it('refuses an unknown notification', async () => {
    const { bus } = pipeline();
    expect(await rejection(bus.handle({ type: 'RetryNotification', notificationId: nth(99) }))).to.be.instanceOf(NotificationNotFoundError);
  });
});

describe('AbandonClaim', () => {
  it('fails the notification with reason lease_expired and one NotificationFailed', async () => {
    const p = pipeline();
    const id = await aSendingNotification(p);
    expect(await p.bus.handle({ type: 'AbandonClaim', notificationId: id, claimToken: 'claim-1', reason: 'lease_expired' })).to.equal('failed');
    expect(stored(p.store, id)).to.deep.include({ status: 'failed', reason: 'lease_expired' });
    expect(outboxOf(p.store, 'NotificationFailed').map((e) => e.body.reason)).to.deep.equal(['lease_expired']);
  });

  it('does nothing for a claim no longer held', async () => {
    const p = pipeline();
    const id = await aSendingNotification(p);
    claim(p, id, 'claim-2');
    expect(await p.bus.handle({ type: 'AbandonClaim', notificationId: id, claimToken: 'claim-1', reason: 'lease_expired' })).to.equal('claim_lost');
    expect(stored(p.store, id).status).to.equal('sending');
  });
});

describe('SendNotification', () => {
  const idempotency = { key: 'key-1', requestHash: 'request-hash-1' };

  it('returns the first result for the same Idempotency-Key and body, creating one notification', async () => {
    const { bus, store } = pipeline();
    const first = await bus.handle(send({ idempotency }));
    const second = await bus.handle(send({ idempotency }));
    expect(first).to.deep.equal({ notificationId: nth(1), status: 'pending', notificationIds: [nth(1)] });
    expect(second).to.deep.equal(first);
    expect(store.notifications.size).to.equal(1);
    expect(store.idempotency.get('key-1')).to.deep.equal({ requestHash: 'request-hash-1', response: first });
  });

  it('refuses the same Idempotency-Key with another body and creates nothing more', async () => {
    const { bus, store } = pipeline();
    await bus.handle(send({ idempotency }));
    const error = await rejection(bus.handle(send({ idempotency: { key: 'key-1', requestHash: 'request-hash-2' }, recipient: 'x@example.com' })));
    expect(error).to.be.instanceOf(IdempotencyKeyMismatchError);
    expect(store.notifications.size).to.equal(1);
  });

  it('makes two notifications for two calls without a key', async () => {
    const { bus, store } = pipeline();
    const first = await bus.handle(send());
    const second = await bus.handle(send());
    expect(first.notificationId).to.not.equal(second.notificationId);
    expect(store.notifications.size).to.equal(2);
  });

  it('stores subject and content in the notification content', async () => {
    const { bus, store } = pipeline();
    const { notificationId } = await bus.handle(send({ subject: 'Hello', content: 'Plain words', userId: null }));
    expect(stored(store, notificationId)).to.deep.include({
      userId: null,
      recipient: 'ada@example.com',
      content: { subject: 'Hello', body: 'Plain words', templateVars: { alert_message: 'New sign-in' } },
      correlationId: 'corr-1',
      sourceEventId: null,
    });
  });
});
