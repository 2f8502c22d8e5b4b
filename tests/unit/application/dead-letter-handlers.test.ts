import { expect } from 'chai';
import type { DeadLetterMessage } from '../../../src/domain/dead-letter.js';
import { DeadLetterNotFoundError, InvalidTransitionError } from '../../../src/domain/errors.js';
import { DeadLetterReplay } from '../../../src/application/operations/dead-letter-replay.js';
import { fakeContainer } from '../../support/test-container.js';
import { rejection } from '../rejection.js';

const NO_FILTER = { reason: null, routingKey: null, from: null, to: null };

function aMessage(fields: Partial<DeadLetterMessage> = {}): DeadLetterMessage {
  const at = new Date('2026-11-29T11:00:00Z');
  return {
    messageKey: 'id:k-1',
    body: Buffer.from('not json'),
    bodyTruncated: false,
    bodySize: 8,
    headers: { trace: 't-1', 'x-dead-letter-reason': 'unparseable', 'x-death': [{ count: 1 }], 'x-replayed-from': 'older' },
    droppedHeaders: [],
    properties: { messageId: 'm-1', type: 'UserRegistered', contentType: 'application/json' },
    exchange: 'notification.events',
    routingKey: 'user.registered',
    queue: 'notification-service.events',
    reason: 'unparseable',
    detail: 'body is not JSON',
    firstDeathAt: at,
    lastDeathAt: at,
    deathCount: 1,
    replayOf: null,
    ...fields,
  };
}

async function stored(fields: Partial<DeadLetterMessage> = {}) {
  const c = fakeContainer();
  const { outcome } = await c.bus.handle({ type: 'StoreDeadLetter', message: aMessage(fields) });
  expect(outcome).to.equal('stored');
  const [id] = [...c.store.deadLetters.keys()];
  return { ...c, id: id as string };
}

describe('StoreDeadLetter', () => {
  it('stores a message once: the same message key again is a duplicate, and nothing more is stored', async () => {
    const { bus, store } = await stored();
    expect(await bus.handle({ type: 'StoreDeadLetter', message: aMessage() })).to.deep.equal({ outcome: 'duplicate' });
    expect(await bus.handle({ type: 'StoreDeadLetter', message: aMessage({ messageKey: 'id:k-2' }) })).to.deep.equal({ outcome: 'stored' });
    expect(store.deadLetters.size).to.equal(2);
  });
});

describe('ReplayDeadLetter', () => {
  it('writes the body to the outbox with the routing key, the properties and x-replayed-from, and marks it replayed', async () => {
    const { bus, store, clock, id } = await stored();
    const result = await bus.handle({ type: 'ReplayDeadLetter', deadLetterId: id });
    expect(result).to.deep.equal({ id, replayedAt: clock.now() });
    expect(store.deadLetters.get(id)?.replayedAt).to.deep.equal(clock.now());
    const [row] = [...store.outbox.values()];
    expect(row).to.deep.include({ routingKey: 'user.registered', className: 'UserRegistered', publishedAt: null });
    expect(Buffer.from(row?.raw?.body ?? []).toString()).to.equal('not json');
    expect(row?.raw).to.deep.include({ messageId: 'm-1', contentType: 'application/json', headers: { trace: 't-1', 'x-replayed-from': id } });
  });

  it('refuses a second replay (409) and one of an unknown dead letter (404), writing nothing more', async () => {
    const { bus, store, id } = await stored();
    await bus.handle({ type: 'ReplayDeadLetter', deadLetterId: id });
    expect(await rejection(bus.handle({ type: 'ReplayDeadLetter', deadLetterId: id }))).to.be.instanceOf(InvalidTransitionError);
    expect(await rejection(bus.handle({ type: 'ReplayDeadLetter', deadLetterId: '00000000-0000-4000-8000-999999999999' }))).to.be.instanceOf(DeadLetterNotFoundError);
    expect(store.outbox.size).to.equal(1);
  });

  it('refuses to replay a truncated body: it would publish another message', async () => {
    const { bus, store, id } = await stored({ bodyTruncated: true });
    const error = await rejection(bus.handle({ type: 'ReplayDeadLetter', deadLetterId: id }));
    expect(error).to.be.instanceOf(InvalidTransitionError);
    expect(error.message).to.match(/truncated/);
    expect(store.outbox.size).to.equal(0);
  });

  it('records the key that asked for it in the audit log; nothing when refused', async () => {
    const { bus, store, clock, id } = await stored();
    await bus.handle({ type: 'ReplayDeadLetter', deadLetterId: id, actor: 'key-1' });
    await rejection(bus.handle({ type: 'ReplayDeadLetter', deadLetterId: id, actor: 'key-1' }));
    expect([...store.audit.values()]).to.deep.equal([{ action: 'dead_letter.replayed', keyId: 'key-1', target: { type: 'dead_letter', id }, at: clock.now() }]);
  });
});

describe('ReplayDeadLetter: the routing key', () => {
  it("refuses (409, naming it) a routing key none of the service's bindings routes, writing nothing", async () => {
    const { bus, store, id } = await stored({ routingKey: 'billing.invoice' });
    const error = await rejection(bus.handle({ type: 'ReplayDeadLetter', deadLetterId: id, bindings: ['user.#', 'order.*'] }));
    expect(error).to.be.instanceOf(InvalidTransitionError);
    expect(error.message).to.include('"billing.invoice"');
    expect(store.outbox.size).to.equal(0);
    expect(store.deadLetters.get(id)?.replayedAt).to.equal(null);
  });

  it('replays one published over REST (through the default exchange) whatever its routing key: it goes back to the own queue', async () => {
    const { bus, store, id } = await stored({ routingKey: 'notification-service.events', exchange: '' });
    await bus.handle({ type: 'ReplayDeadLetter', deadLetterId: id, bindings: ['user.#', 'order.*'] });
    expect(store.outbox.size).to.equal(1);
  });
});

describe('ReplayDeadLetters (one chunk)', () => {
  const chunk = { before: null, maxRows: 100, maxBytes: 16 * 1024 * 1024 };

  it('replays those the filter matches that were not replayed yet, and audits the chunk with its dead letters', async () => {
    const { bus, store, id } = await stored();
    await bus.handle({ type: 'StoreDeadLetter', message: aMessage({ messageKey: 'id:k-2', reason: 'delivery_limit' }) });
    await bus.handle({ type: 'StoreDeadLetter', message: aMessage({ messageKey: 'id:k-3' }) });
    await bus.handle({ type: 'ReplayDeadLetter', deadLetterId: id });
    const result = await bus.handle({ type: 'ReplayDeadLetters', filter: { ...NO_FILTER, reason: 'unparseable' }, ...chunk, actor: 'key-1' });
    const third = [...store.deadLetters.values()].find((d) => d.messageKey === 'id:k-3')!;
    expect(result).to.deep.include({ count: 1, ids: [third.id], bytes: 8, exhausted: true, unroutable: [] });
    expect(store.outbox.size).to.equal(2);
    const [entry] = [...store.audit.values()].filter((e) => e.action === 'dead_letters.replayed');
    expect(entry?.target).to.deep.equal({
      type: 'dead_letters',
      id: 'filter',
      detail: { reason: 'unparseable', routing_key: null, from: null, to: null, include_replays: false, count: 1, dead_letter_ids: [third.id] },
    });
  });

  it('takes at most maxRows and maxBytes of body (one at least), and says where it stopped', async () => {
    const { bus, clock } = await stored({ messageKey: 'id:a', bodySize: 8 });
    clock.advance(1000);
    await bus.handle({ type: 'StoreDeadLetter', message: aMessage({ messageKey: 'id:b' }) });
    clock.advance(1000);
    await bus.handle({ type: 'StoreDeadLetter', message: aMessage({ messageKey: 'id:c' }) });
    const first = await bus.handle({ type: 'ReplayDeadLetters', filter: NO_FILTER, before: null, maxRows: 100, maxBytes: 10 });
    expect([first.count, first.bytes, first.exhausted]).to.deep.equal([1, 8, false]);
    const second = await bus.handle({ type: 'ReplayDeadLetters', filter: NO_FILTER, before: first.last, maxRows: 1, maxBytes: 1 });
    expect([second.count, second.exhausted]).to.deep.equal([1, false]);
    const third = await bus.handle({ type: 'ReplayDeadLetters', filter: NO_FILTER, before: second.last, maxRows: 5, maxBytes: 100 });
    expect([third.count, third.exhausted]).to.deep.equal([1, true]);
  });

  it('skips, and names, routing keys no binding routes; leaves replays that died again out unless asked', async () => {
    const { bus, store, id } = await stored({ routingKey: 'billing.x' });
    await bus.handle({ type: 'StoreDeadLetter', message: aMessage({ messageKey: 'id:r', replayOf: id }) });
    const result = await bus.handle({ type: 'ReplayDeadLetters', filter: NO_FILTER, ...chunk, bindings: ['user.#'] });
    expect(result).to.deep.include({ count: 0, unroutable: ['billing.x'], exhausted: true });
    const including = await bus.handle({ type: 'ReplayDeadLetters', filter: { ...NO_FILTER, includeReplays: true }, ...chunk, bindings: ['user.#'] });
    expect(including.count).to.equal(1);
    expect(store.deadLetters.get(id)?.replayedAt).to.equal(null);
  });

  it('counts the rows it skipped toward maxRows, and only replayed bodies toward maxBytes; a chunk that replayed none is not audited', async () => {
    const { bus, store, clock } = await stored({ messageKey: 'id:routed', bodySize: 8 });
    for (const n of [1, 2, 3]) {
      clock.advance(1000);
      await bus.handle({ type: 'StoreDeadLetter', message: aMessage({ messageKey: `id:billing-${n}`, routingKey: `billing.${n}`, bodySize: 1_000 }) });
    }
    const first = await bus.handle({ type: 'ReplayDeadLetters', filter: NO_FILTER, before: null, maxRows: 2, maxBytes: 10, bindings: ['user.#'], actor: 'key-1' });
    expect(first).to.deep.include({ count: 0, looked: 2, bytes: 0, exhausted: false, unroutable: ['billing.3', 'billing.2'] });
    const second = await bus.handle({ type: 'ReplayDeadLetters', filter: NO_FILTER, before: first.last, maxRows: 2, maxBytes: 10, bindings: ['user.#'], actor: 'key-1' });
    expect(second).to.deep.include({ count: 1, looked: 2, bytes: 8, exhausted: true, unroutable: ['billing.1'] });
    const entries = [...store.audit.values()].filter((e) => e.action === 'dead_letters.replayed');
    expect(entries.map((e) => (e.target.detail as { count: number }).count)).to.deep.equal([1]);
  });
});

describe('DeadLetterReplay (a replay by filter, chunk by chunk)', () => {
  it('replays in chunks, each its own command and audit entry, stops at the call budget and says how many remain', async () => {
    const { bus, store, clock } = await stored({ messageKey: 'id:0' });
    for (let n = 1; n < 7; n++) {
      clock.advance(1000);
      await bus.handle({ type: 'StoreDeadLetter', message: aMessage({ messageKey: `id:${n}` }) });
    }
    const remaining = { countReplayable: async () => [...store.deadLetters.values()].filter((d) => d.replayedAt === null).length };
    const replay = new DeadLetterReplay(bus, remaining, { chunkRows: 2, chunkBytes: 1_000, callBytes: 40, max: 100 });
    const result = await replay.run({ filter: NO_FILTER, bindings: null, actor: 'key-1' });
    expect(result).to.deep.equal({ count: 5, remaining: 2, unroutable: [], unroutableCapped: false });
    const entries = [...store.audit.values()].filter((e) => e.action === 'dead_letters.replayed');
    expect(entries.map((e) => (e.target.detail as { count: number }).count)).to.deep.equal([2, 2, 1]);
    const again = await replay.run({ filter: NO_FILTER, bindings: null, actor: 'key-1' });
    expect(again).to.deep.equal({ count: 2, remaining: 0, unroutable: [], unroutableCapped: false });
  });

  it('leaves out, and names, the dead letters whose routing key no binding routes', async () => {
    const { bus, store } = await stored({ routingKey: 'billing.x' });
    const replay = new DeadLetterReplay(bus, { countReplayable: async () => 0 });
    const result = await replay.run({ filter: { ...NO_FILTER, routingKey: 'billing.x' }, bindings: ['user.#'], actor: 'key-1' });
    expect(result).to.deep.equal({ count: 0, remaining: 0, unroutable: ['billing.x'], unroutableCapped: false });
    expect(store.outbox.size).to.equal(0);
  });
});

describe('DiscardDeadLetter', () => {
  it('deletes it, audited; an unknown one is not found', async () => {
    const { bus, store, id } = await stored();
    await bus.handle({ type: 'DiscardDeadLetter', deadLetterId: id, actor: 'key-1' });
    expect(store.deadLetters.size).to.equal(0);
    expect([...store.audit.values()].map((e) => e.action)).to.deep.equal(['dead_letter.discarded']);
    expect(await rejection(bus.handle({ type: 'DiscardDeadLetter', deadLetterId: id }))).to.be.instanceOf(DeadLetterNotFoundError);
  });
});
