import { expect } from 'chai';
import { InvalidBatchError } from '../../../src/domain/errors.js';
import { type BatchRequest, idsOf, sendAll, sendEach } from '../../../src/entrypoints/http/batch-sends.js';
import { fakeContainer } from '../../support/test-container.js';
import { rejection } from '../rejection.js';

const nth = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const GOOD = { notification_type: 'security_alert', recipient_email: 'ada@example.com', template_vars: { alert_message: 'New sign-in' } };
const SEED_003 = { recipient: 'bo@example.com', content: { subject: 'Hi', body: 'Plain words' } };

function request(items: readonly unknown[], idempotency: BatchRequest['idempotency'] = null): BatchRequest {
  return { items, correlationId: 'corr-1', idempotency };
}

describe('a best_effort batch', () => {
  it('sends each item on its own and answers, in item order, its notification or its errors', async () => {
    const { bus, store } = fakeContainer();
    const answer = await sendEach(bus, request([GOOD, { ...GOOD, template_vars: {} }, 'not a send', { ...GOOD, notification_type: 'nope' }, SEED_003]));
    expect(answer).to.deep.include({ delivery_mode: 'best_effort', accepted: 2, rejected: 3, notification_ids: [nth(1), nth(2)] });
    expect(answer.results.map((r) => ('errors' in r ? [r.index, r.errors.map((e) => e.field)] : [r.index, r.status]))).to.deep.equal([
      [0, 'pending'],
      [1, ['notifications[1].template_vars.alert_message']],
      [2, ['notifications[2]']],
      [3, ['notifications[3].notification_type']],
      [4, 'pending'],
    ]);
    expect(store.commits).to.equal(2);
  });

  it('makes each item idempotent on its own under the key: a batch sent again records nothing twice', async () => {
    const { bus, store } = fakeContainer();
    const idempotency = { key: 'caller:key-1', requestHash: 'whole-body' };
    const first = await sendEach(bus, request([GOOD, SEED_003], idempotency));
    const again = await sendEach(bus, request([GOOD, SEED_003], idempotency));
    expect(again).to.deep.equal(first);
    expect(store.notifications.size).to.equal(2);
    const changed = await sendEach(bus, request([GOOD, { ...SEED_003, recipient: 'cy@example.com' }], idempotency));
    expect(changed.results[1]).to.deep.include({ index: 1 }).and.to.have.property('errors');
    expect(store.notifications.size).to.equal(2);
  });
});

describe('an atomic batch', () => {
  it("is refused before anything is sent when items have the wrong shape, listing every one's fields", async () => {
    const { bus, store } = fakeContainer();
    const error = await rejection(sendAll(bus, request([GOOD, { ...GOOD, recipient: 'x@example.com' }, 7])));
    expect(error).to.be.instanceOf(InvalidBatchError);
    expect((error as InvalidBatchError).items.map((i) => i.index)).to.deep.equal([1, 2]);
    expect(store.commits).to.equal(0);
  });

  it('records every item and answers their notifications in item order', async () => {
    const { bus } = fakeContainer();
    const answer = await sendAll(bus, request([GOOD, SEED_003]));
    expect(answer).to.deep.equal({
      delivery_mode: 'atomic',
      accepted: 2,
      rejected: 0,
      notification_ids: [nth(1), nth(2)],
      results: [
        { index: 0, notification_id: nth(1), status: 'pending', notification_ids: [nth(1)] },
        { index: 1, notification_id: nth(2), status: 'pending', notification_ids: [nth(2)] },
      ],
    });
  });

  it("answers every notification of an item routed over its type's channels", async () => {
    const { bus } = fakeContainer();
    const definition = { description: 'd', priority: 'normal', ttlSeconds: null, routing: { mode: 'all' }, variables: [], defaultLocale: 'en' } as const;
    const variants = [{ channel: 'email', locale: 'en', subject: 's', text: 't' }, { channel: 'in_app', locale: 'en', title: 't', body: 'b' }] as const;
    await bus.handle({ type: 'CreateTemplate', key: 'two.channels', definition: { ...definition, variants } });
    const answer = await sendAll(bus, request([{ notification_type: 'two.channels', userid: 'u-9', recipient_email: 'u9@example.com' }, GOOD]));
    const [routed, single] = answer.results;
    expect(routed && 'notification_ids' in routed ? routed.notification_ids.length : 0).to.equal(2);
    expect(answer.notification_ids).to.have.lengthOf(3);
    expect(single).to.deep.include({ index: 1, notification_ids: [answer.notification_ids[2]] });
  });

  it('answers a result replayed from before routing with its one notification', () => {
    expect(idsOf({ notificationId: 'n-1' })).to.deep.equal(['n-1']);
  });
});
