import { expect } from 'chai';
import { buildHandlerRegistry } from '../../../src/application/handlers/index.js';
import type { CommandOf, SendFields } from '../../../src/domain/commands.js';
import { IdempotencyKeyMismatchError, InvalidBatchError } from '../../../src/domain/errors.js';
import { FakeClock } from '../../support/fakes.js';
import { fakeContainer, testHandlerDeps } from '../../support/test-container.js';
import { T0 } from '../mothers.js';
import { rejection } from '../rejection.js';

const nth = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function pipeline() {
  const clock = new FakeClock(T0);
  return fakeContainer({ clock, handlers: buildHandlerRegistry(testHandlerDeps(clock)) });
}

function item(fields: Partial<SendFields> = {}): SendFields {
  return {
    notificationType: 'security_alert',
    channel: 'email',
    recipient: 'ada@example.com',
    userId: null,
    subject: null,
    content: null,
    templateVars: { alert_message: 'New sign-in' },
    variablesField: 'template_vars',
    priority: null,
    locale: null,
    expiresAt: null,
    ...fields,
  };
}

function batch(items: readonly SendFields[], fields: Partial<CommandOf<'SendBatch'>> = {}): CommandOf<'SendBatch'> {
  return { type: 'SendBatch', items, correlationId: 'corr-1', idempotency: null, ...fields };
}

describe('SendBatch', () => {
  it('records every item in one commit and answers their notifications in item order', async () => {
    const { bus, store } = pipeline();
    const commits = store.commits;
    const result = await bus.handle(batch([item(), item({ recipient: 'bo@example.com', variablesField: 'variables' })]));
    expect(result).to.deep.equal({ results: [{ notificationId: nth(1), status: 'pending', notificationIds: [nth(1)] }, { notificationId: nth(2), status: 'pending', notificationIds: [nth(2)] }] });
    expect([...store.notifications.values()].map((n) => [n.recipient, n.correlationId])).to.deep.equal([
      ['ada@example.com', 'corr-1'],
      ['bo@example.com', 'corr-1'],
    ]);
    expect(store.commits).to.equal(commits + 1);
  });

  it('refuses the batch listing every refused item with its fields, and records none of it', async () => {
    const { bus, store } = pipeline();
    const error = await rejection(
      bus.handle(
        batch([
          item(),
          item({ templateVars: {}, variablesField: 'variables' }),
          item({ notificationType: 'no_such_type' }),
          item({ recipient: null, userId: 'u-without-address' }),
        ]),
      ),
    );
    expect(error).to.be.instanceOf(InvalidBatchError);
    const refused = (error as InvalidBatchError).items.map(({ index, problems }) => [index, problems.map((p) => p.field)]);
    expect(refused).to.deep.equal([
      [1, ['variables.alert_message']],
      [2, ['notification_type']],
      [3, ['userid']],
    ]);
    expect(store.notifications.size).to.equal(0);
    expect(store.outbox.size).to.equal(0);
    expect(store.rollbacks).to.equal(1);
  });

  it('answers the first response for the same Idempotency-Key and body, recording the batch once', async () => {
    const { bus, store } = pipeline();
    const idempotency = { key: 'key-1', requestHash: 'hash-1' };
    const first = await bus.handle(batch([item(), item()], { idempotency }));
    const again = await bus.handle(batch([item(), item()], { idempotency }));
    expect(again).to.deep.equal(first);
    expect(store.notifications.size).to.equal(2);
    const other = await rejection(bus.handle(batch([item()], { idempotency: { key: 'key-1', requestHash: 'hash-2' } })));
    expect(other).to.be.instanceOf(IdempotencyKeyMismatchError);
    expect(store.notifications.size).to.equal(2);
  });

  it('stores no response for a refused batch, so the key can be used again once the items are mended', async () => {
    const { bus, store } = pipeline();
    const idempotency = { key: 'key-1', requestHash: 'hash-1' };
    await rejection(bus.handle(batch([item({ templateVars: {} })], { idempotency })));
    expect(store.idempotency.size).to.equal(0);
    const mended = await bus.handle(batch([item()], { idempotency }));
    expect(mended.results).to.have.lengthOf(1);
  });

  it('records an item the user opted out of as suppressed, within the batch', async () => {
    const { bus } = pipeline();
    await bus.handle({ type: 'CreatePreferences', userId: 'u-1', notificationEmail: 'stored@example.com', preferences: { security_alert: false } });
    const { results } = await bus.handle(batch([item(), item({ userId: 'u-1' })]));
    expect(results.map((r) => r.status)).to.deep.equal(['pending', 'suppressed']);
  });
});
