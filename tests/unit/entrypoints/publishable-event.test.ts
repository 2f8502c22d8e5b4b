import { expect } from 'chai';
import { InvalidValueError, InvalidVariablesError } from '../../../src/domain/errors.js';
import { publishable, receiveRefusal } from '../../../src/entrypoints/amqp/publishable-event.js';
import { matchesBinding } from '../../../src/entrypoints/amqp/topic-binding.js';

const BINDINGS = ['user.#', 'order.#', 'request.#'];
const VERIFY = { userid: 'u-1', username: 'ada', email: 'ada@example.com', verify_token: 'tok-1' };

describe('publishable events', () => {
  it('passes an event the consumer accepts, its payload under data and its type dotted', () => {
    const checked = publishable({ routingKey: 'user.email_verification_requested', eventType: 'UserEmailVerificationRequested', payload: VERIFY }, BINDINGS, 'corr-1');
    expect(checked).to.deep.include({
      ok: true,
      routingKey: 'user.email_verification_requested',
      eventType: 'user.email_verification_requested',
      body: { event_type: 'user.email_verification_requested', correlation_id: 'corr-1', data: VERIFY },
    });
    expect(checked.ok && checked.event).to.deep.include({ kind: 'NotificationRequested', notificationType: 'email_verification', userId: 'u-1', recipient: 'ada@example.com' });
  });

  it('refuses a routing key no binding of the queue routes', () => {
    const checked = publishable({ routingKey: 'notification.sent', eventType: 'user.email_verification_requested', payload: VERIFY }, BINDINGS, 'corr-1');
    expect(checked).to.deep.equal({ ok: false, status: 400, errors: [{ field: 'routing_key', message: "no binding of the service's queue (user.#, order.#, request.#) routes it" }] });
  });

  it('refuses an event type the consumer does not know', () => {
    const checked = publishable({ routingKey: 'user.deleted', eventType: 'user.deleted', payload: {} }, BINDINGS, 'corr-1');
    expect(checked).to.deep.equal({ ok: false, status: 400, errors: [{ field: 'event_type', message: 'is not an event type the service consumes' }] });
  });

  it('names each payload field the consumer would dead-letter it for', () => {
    const missing = publishable({ routingKey: 'user.x', eventType: 'user.email_verification_requested', payload: { userid: 'u-1', email: 'ada@example.com' } }, BINDINGS, 'c');
    expect(missing.ok ? [] : missing.errors.map((e) => e.field)).to.deep.equal(['payload.username', 'payload.verify_token']);
    const badEmail = publishable({ routingKey: 'user.x', eventType: 'user.email_verification_requested', payload: { ...VERIFY, email: 'not-an-address' } }, BINDINGS, 'c');
    expect(badEmail.ok ? [] : badEmail.errors.map((e) => e.field)).to.deep.equal(['payload.email']);
    const generic = publishable({ routingKey: 'request.notification', eventType: 'request.notification', payload: { channel: 'in_app' } }, BINDINGS, 'c');
    expect(generic.ok ? [] : generic.errors.map((e) => e.field)).to.deep.equal(['payload.notification_type', 'payload.recipient']);
  });

  it("refuses with 422 an event that stores a user's notification email (user.registered), by either name", () => {
    for (const eventType of ['user.registered', 'UserRegistered']) {
      const checked = publishable({ routingKey: 'user.registered', eventType, payload: { userid: 'victim', username: 'v', email: 'attacker@example.com' } }, BINDINGS, 'c');
      expect(checked.ok ? null : [checked.status, checked.errors.map((e) => e.field)]).to.deep.equal([422, ['event_type']]);
    }
  });

  it('names the fields a refusal of receiving names as the REST body named them', () => {
    const variables = new InvalidVariablesError([{ field: 'template_vars.reset_token', message: 'is required' }]);
    expect(receiveRefusal(variables, 'user.password_reset_requested')).to.deep.equal([{ field: 'payload.reset_token', message: 'is required' }]);
    expect(receiveRefusal(new InvalidValueError('content', 'too long'), 'request.notification')).to.deep.equal([{ field: 'payload.content.body', message: 'too long' }]);
    expect(receiveRefusal(new InvalidValueError('variables.x', 'no'), 'request.notification')?.map((e) => e.field)).to.deep.equal(['payload.variables.x']);
    expect(receiveRefusal(new InvalidValueError('notification_type', 'no template'), 'order.created')?.map((e) => e.field)).to.deep.equal(['event_type']);
    expect(receiveRefusal(new InvalidValueError('userid', 'no profile'), 'order.created')?.map((e) => e.field)).to.deep.equal(['payload.user_id']);
    expect(receiveRefusal(new Error('database down'), 'request.notification')).to.equal(null);
  });

  it('matches routing keys as a topic exchange does', () => {
    const cases: Array<[string, string, boolean]> = [
      ['user.#', 'user.registered', true],
      ['user.#', 'user', true],
      ['user.#', 'users.x', false],
      ['order.*', 'order.created', true],
      ['order.*', 'order.status.updated', false],
      ['#.updated', 'order.status.updated', true],
      ['request.notification', 'request.notification', true],
      ['request.notification', 'request.notifications', false],
    ];
    expect(cases.map(([pattern, key]) => matchesBinding(pattern, key))).to.deep.equal(cases.map(([, , expected]) => expected));
  });
});
