import { expect } from 'chai';
import { publishable } from '../../../src/entrypoints/amqp/publishable-event.js';
import { matchesBinding } from '../../../src/entrypoints/amqp/topic-binding.js';

const BINDINGS = ['user.#', 'order.#', 'request.#'];
const VERIFY = { userid: 'u-1', username: 'ada', email: 'ada@example.com', verify_token: 'tok-1' };

describe('publishable events', () => {
  it('passes an event the consumer accepts, its payload under data and its type dotted', () => {
    const checked = publishable({ routingKey: 'user.email_verification_requested', eventType: 'UserEmailVerificationRequested', payload: VERIFY }, BINDINGS, 'corr-1');
    expect(checked).to.deep.equal({
      ok: true,
      routingKey: 'user.email_verification_requested',
      eventType: 'user.email_verification_requested',
      body: { event_type: 'user.email_verification_requested', correlation_id: 'corr-1', data: VERIFY },
    });
  });

  it('refuses a routing key no binding of the queue routes', () => {
    const checked = publishable({ routingKey: 'notification.sent', eventType: 'user.email_verification_requested', payload: VERIFY }, BINDINGS, 'corr-1');
    expect(checked).to.deep.equal({ ok: false, errors: [{ field: 'routing_key', message: "no binding of the service's queue (user.#, order.#, request.#) routes it" }] });
  });

  it('refuses an event type the consumer does not know', () => {
    const checked = publishable({ routingKey: 'user.deleted', eventType: 'user.deleted', payload: {} }, BINDINGS, 'corr-1');
    expect(checked).to.deep.equal({ ok: false, errors: [{ field: 'event_type', message: 'is not an event type the service consumes' }] });
  });

  it('names each payload field the consumer would dead-letter it for', () => {
    const missing = publishable({ routingKey: 'user.x', eventType: 'user.email_verification_requested', payload: { userid: 'u-1', email: 'ada@example.com' } }, BINDINGS, 'c');
    expect(missing.ok ? [] : missing.errors.map((e) => e.field)).to.deep.equal(['payload.username', 'payload.verify_token']);
    const badEmail = publishable({ routingKey: 'user.x', eventType: 'user.email_verification_requested', payload: { ...VERIFY, email: 'not-an-address' } }, BINDINGS, 'c');
    expect(badEmail.ok ? [] : badEmail.errors.map((e) => e.field)).to.deep.equal(['payload.email']);
    const generic = publishable({ routingKey: 'request.notification', eventType: 'request.notification', payload: { channel: 'in_app' } }, BINDINGS, 'c');
    expect(generic.ok ? [] : generic.errors.map((e) => e.field)).to.deep.equal(['payload.notification_type', 'payload.recipient']);
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
