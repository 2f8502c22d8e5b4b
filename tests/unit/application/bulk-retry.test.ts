import { expect } from 'chai';
import { BulkRetry, type BulkRetryRequest } from '../../../src/application/operations/bulk-retry.js';
import { BULK_RETRY_MAX } from '../../../src/domain/bulk-retry.js';
import { NotificationRequest, type NewNotification } from '../../../src/domain/notification-request.js';
import { FakeClock, SequentialIds, retryableFailuresIn } from '../../support/fakes.js';
import { fakeContainer } from '../../support/test-container.js';
import { T0, aNewNotification } from '../mothers.js';

const ANY = { type: null, channel: null, failedSince: null, failedUntil: null };
const ask = (filter: Partial<BulkRetryRequest['filter']> = {}, dryRun = false): BulkRetryRequest => ({ filter: { ...ANY, ...filter }, dryRun, actor: 'key-1' });
const minutes = (n: number) => new Date(T0.getTime() - n * 60_000);

function world(chunkSize = 2, max = BULK_RETRY_MAX) {
  const clock = new FakeClock(T0);
  const { store, bus } = fakeContainer({ clock });
  const failures = { count: async (filter: Parameters<typeof retryableFailuresIn>[1]) => retryableFailuresIn(store.notifications, filter).length };
  const bulk = new BulkRetry(bus, failures, clock, new SequentialIds(), { chunkSize, max });
  /** A notification stored `status`, last changed `minutesAgo`. */
  const stored = (id: string, minutesAgo: number, status: 'failed' | 'sent' | 'suppressed' = 'failed', fields: Partial<NewNotification> = {}) => {
    const s = NotificationRequest.request(aNewNotification({ id, ...fields }), minutes(minutesAgo + 1)).snapshot();
    store.notifications.set(id, { ...s, status, reason: status === 'failed' ? 'permanent_failure' : null, nextAttemptAt: null, updatedAt: minutes(minutesAgo) });
  };
  const retriesOf = () => [...store.notifications.values()].filter((n) => n.retryOf !== null).map((n) => [n.retryOf, n.status, n.createdAt.toISOString()]);
  return { store, bus, bulk, stored, retriesOf };
}

describe('BulkRetry', () => {
  it('retries every failed notification the filter matches, oldest failure first, each as a new pending one', async () => {
    const w = world();
    w.stored('f-old', 30);
    w.stored('f-new', 10);
    w.stored('f-sms', 20, 'failed', { channel: 'sms', recipient: '+4915112345678' });
    w.stored('f-other-type', 20, 'failed', { type: 'password_reset' });
    w.stored('sent', 20, 'sent');
    const result = await w.bulk.run(ask({ channel: 'email', type: 'welcome' }));
    expect(result).to.deep.include({ dryRun: false, count: 2, remaining: 0 });
    expect(w.retriesOf()).to.deep.equal([
      ['f-old', 'pending', T0.toISOString()],
      ['f-new', 'pending', T0.toISOString()],
    ]);
  });

  it('takes the failure time window: failed_since inclusive, failed_until exclusive', async () => {
    const w = world();
    for (const m of [40, 30, 20, 10]) w.stored(`f-${m}`, m);
    const result = await w.bulk.run(ask({ failedSince: minutes(30), failedUntil: minutes(10) }));
    expect(result.count).to.equal(2);
    expect(w.retriesOf().map(([id]) => id)).to.deep.equal(['f-30', 'f-20']);
  });

  it('answers a dry run with the count and changes nothing', async () => {
    const w = world();
    w.stored('a', 2);
    w.stored('b', 1);
    const before = new Map(w.store.notifications);
    expect(await w.bulk.run(ask({}, true))).to.deep.equal({ dryRun: true, count: 2, remaining: 0 });
    expect(w.store.notifications).to.deep.equal(before);
    expect(w.store.audit.size).to.equal(0);
  });

  it('never retries a notification twice: not one retried before, one way or the other, nor one whose secrets were erased', async () => {
    const w = world();
    w.stored('single', 3);
    w.stored('secret', 2, 'failed', { secretVariables: ['reset_token'] });
    w.stored('bulk', 1);
    await w.bus.handle({ type: 'RetryNotification', notificationId: 'single' });
    const first = await w.bulk.run(ask());
    const second = await w.bulk.run(ask());
    expect([first.count, second.count]).to.deep.equal([1, 0]);
    expect(w.retriesOf().map(([id]) => id).sort()).to.deep.equal(['bulk', 'single']);
  });

  it('retries at most its cap per call (10,000 in production), the oldest first, and says how many more match', async () => {
    const w = world(2, 5);
    for (let i = 1; i <= 8; i++) w.stored(`f-${i}`, 10 - i);
    expect(await w.bulk.run(ask({}, true))).to.deep.equal({ dryRun: true, count: 5, remaining: 3 });
    const result = await w.bulk.run(ask());
    expect([result.count, result.remaining]).to.deep.equal([5, 3]);
    expect(w.retriesOf().map(([id]) => id)).to.deep.equal(['f-1', 'f-2', 'f-3', 'f-4', 'f-5']);
    expect(BULK_RETRY_MAX).to.equal(10_000);
  });

  it('audits each chunk once, with the run, the filter, the count and the notifications it retried', async () => {
    const w = world(2);
    for (const m of [3, 2, 1]) w.stored(`f-${m}`, m);
    const result = await w.bulk.run(ask({ channel: 'email' }));
    if (result.dryRun) throw new Error('not a dry run');
    const filter = { status: 'failed', type: null, channel: 'email', failed_since: null, failed_until: T0.toISOString() };
    expect([...w.store.audit.values()]).to.deep.equal([
      { action: 'notifications.bulk_retried', keyId: 'key-1', at: T0, target: { type: 'notifications', id: result.run, detail: { filter, count: 2, retried: ['f-3', 'f-2'] } } },
      { action: 'notifications.bulk_retried', keyId: 'key-1', at: T0, target: { type: 'notifications', id: result.run, detail: { filter, count: 1, retried: ['f-1'] } } },
    ]);
  });

  it('leaves out a failed notification that fell back to a channel not suppressed; the single retry goes ahead and names its fallbacks', async () => {
    const w = world();
    const sms = { channel: 'sms', recipient: '+4915112345678' } as const;
    // first: [email, sms]. The SMS went (x), is on its way (y), failed itself (z, retried on its own), or was suppressed (s).
    w.stored('x', 9);
    w.stored('x-sms', 8, 'sent', { ...sms, fallbackOf: 'x' });
    w.stored('z', 7);
    w.stored('z-sms', 6, 'failed', { ...sms, fallbackOf: 'z' });
    w.stored('s', 5);
    w.stored('s-sms', 4, 'suppressed', { ...sms, fallbackOf: 's' });
    expect(await w.bulk.run(ask({}, true))).to.deep.equal({ dryRun: true, count: 2, remaining: 0 });
    expect(await w.bulk.run(ask({ channel: 'email' }, true))).to.deep.equal({ dryRun: true, count: 1, remaining: 0 });
    await w.bulk.run(ask());
    expect(w.retriesOf().map(([id]) => id)).to.deep.equal(['z-sms', 's']);
    const single = await w.bus.handle({ type: 'RetryNotification', notificationId: 'x' });
    expect([single.retryOf, single.fallbacks]).to.deep.equal(['x', ['x-sms']]);
  });

  it('records nothing when nothing matches', async () => {
    const w = world();
    w.stored('sent', 1, 'sent');
    expect(await w.bulk.run(ask())).to.deep.include({ dryRun: false, count: 0, remaining: 0, notificationIds: [] });
    expect(w.store.audit.size).to.equal(0);
  });
});
