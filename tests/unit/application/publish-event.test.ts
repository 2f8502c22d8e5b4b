import { expect } from 'chai';
import type { CommandOf, InboundEvent } from '../../../src/domain/commands.js';
import { InvalidFieldsError, InvalidValueError } from '../../../src/domain/errors.js';
import { FakeClock } from '../../support/fakes.js';
import { fakeContainer } from '../../support/test-container.js';
import { T0, aPreferences } from '../mothers.js';

type Requested = Extract<InboundEvent, { kind: 'NotificationRequested' }>;

const message = (fields: Partial<Requested> = {}): Requested => ({
  kind: 'NotificationRequested',
  notificationType: 'message',
  userId: 'u-1',
  channel: 'in_app',
  recipient: null,
  templateVars: {},
  variablesField: 'variables',
  subject: 'New message',
  content: 'Hello',
  priority: null,
  locale: null,
  expiresAt: null,
  sendAt: null,
  ...fields,
});

const reset = (fields: Partial<Requested> = {}): Requested =>
  message({ notificationType: 'password_reset', channel: 'email', recipient: 'ada@example.com', subject: null, content: null, templateVars: { username: 'ada', email: 'ada@example.com', reset_token: 't' }, ...fields });

const publish = (event: Requested, idempotency: CommandOf<'PublishEvent'>['idempotency'] = null): CommandOf<'PublishEvent'> => ({
  type: 'PublishEvent',
  routingKey: 'request.notification',
  eventType: 'request.notification',
  body: { event_type: 'request.notification', data: { userid: 'u-1' } },
  event,
  correlationId: 'corr-1',
  idempotency,
});

/** A fresh service; `u-1` has a profile (email only) when `profile`. */
function world(profile: boolean) {
  const w = fakeContainer({ clock: new FakeClock(T0) });
  if (profile) w.store.preferences.set('u-1', aPreferences({ userId: 'u-1' }).snapshot());
  return w;
}

/** The fields a refusal names, `[]` for none; any other error is thrown. */
async function refusedFields(run: () => Promise<unknown>): Promise<string[]> {
  try {
    await run();
    return [];
  } catch (error) {
    if (error instanceof InvalidFieldsError) return error.problems.map((p) => p.field);
    if (error instanceof InvalidValueError) return [error.field];
    throw error;
  }
}

describe('PublishEvent', () => {
  it('writes the event to the outbox for the own queue with a fresh event_id, once per Idempotency-Key', async () => {
    const { store, bus } = world(false);
    const command = publish(message(), { key: 'caller:k1', requestHash: 'h' });
    const first = await bus.handle(command);
    expect(await bus.handle(command)).to.deep.equal(first);
    expect([...store.outbox.values()]).to.deep.equal([
      {
        eventId: first.eventId,
        routingKey: 'request.notification',
        className: 'request.notification',
        correlationId: 'corr-1',
        body: { event_type: 'request.notification', data: { userid: 'u-1' }, event_id: first.eventId },
        toOwnQueue: true,
        createdAt: T0,
        publishedAt: null,
      },
    ]);
  });

  // Each case: the event, whether u-1 has a profile, the fields a publish is refused for.
  const cases: Array<[string, Requested, boolean, string[]]> = [
    ['an in_app message to a user without a profile', message(), false, []],
    ['an SMS text over the channel limit', message({ channel: 'sms', content: 'x'.repeat(2_000) }), true, ['content']],
    ['an SMS to a user without a profile', message({ channel: 'sms' }), false, ['userid']],
    ['an unknown template', message({ notificationType: 'no_such_type', subject: null, content: null }), true, ['notification_type']],
    ['a template variable missing', reset({ templateVars: { username: 'ada', email: 'ada@example.com' } }), true, ['variables.reset_token']],
    ['an address that is not one', reset({ recipient: 'not-an-address', userId: null }), false, ['recipient']],
    ['a password reset to a named address', reset(), false, []],
    ["a routed request over the user's channels", reset({ channel: null }), true, []],
    ['an SMS to a user without a profile, sent later (a schedule)', message({ channel: 'sms', sendAt: new Date(T0.getTime() + 3_600_000) }), false, []],
  ];
  for (const [name, event, profile, fields] of cases) {
    it(`refuses exactly what receiving the event refuses: ${name}`, async () => {
      const published = world(profile);
      const refused = await refusedFields(() => published.bus.handle(publish(event)));
      const received = world(profile);
      const receive = { type: 'ReceiveEvent', eventId: 'evt-1', payloadHash: 'h', eventType: 'request.notification', event, correlationId: 'corr-1' } as const;
      expect([refused, await refusedFields(() => received.bus.handle(receive))]).to.deep.equal([fields, fields]);
      expect(published.store.outbox.size).to.equal(fields.length === 0 ? 1 : 0);
      expect(published.store.notifications.size).to.equal(0);
    });
  }
});
