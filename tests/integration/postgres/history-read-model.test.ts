import { expect } from 'chai';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { KyselyHistoryReadModel } from '../../../src/adapters/postgres/read-models.js';
import { ReadRouter } from '../../../src/adapters/postgres/read-router.js';
import { InvalidValueError } from '../../../src/domain/errors.js';
import { NotificationRequest } from '../../../src/domain/notification-request.js';
import { testStamping } from '../../support/test-container.js';
import { TestDatabase } from '../../support/databases.js';
import { aNewNotification } from '../../unit/mothers.js';
import { recordOutcome } from './notifications.js';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');

function uuid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

describe('KyselyHistoryReadModel', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let history: KyselyHistoryReadModel;

  before(async () => {
    db = await TestDatabase.create('it_history');
    kysely = db.kysely();
    history = new KyselyHistoryReadModel(new ReadRouter(kysely, null, { maxLagSeconds: 5, checkIntervalMs: 1000 }, { fellBack: () => undefined, replicationLag: () => undefined }));
    // Seven notifications for one user, three of them sharing a timestamp; one for someone else.
    const times = [0, 1000, 2000, 2000, 2000, 3000, 4000];
    await new KyselyUnitOfWork(kysely, testStamping()).execute(async (uow) => {
      for (const [i, offset] of times.entries()) {
        const fields = aNewNotification({ id: uuid(i + 1), userId: 'pager', recipient: 'p@example.com', content: { subject: `n${i + 1}`, body: null, templateVars: {} }, correlationId: null });
        const n = i % 2 === 0 ? NotificationRequest.request(fields, new Date(T0 + offset)) : NotificationRequest.suppress(fields, 'preference_opt_out', new Date(T0 + offset));
        await uow.notifications.add(n);
      }
      await uow.notifications.add(NotificationRequest.request(aNewNotification({ id: uuid(99), userId: 'other', recipient: 'o@example.com', content: { subject: null, body: null, templateVars: {} }, correlationId: null }), new Date(T0)));
    });
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });

  it('pages newest first with stable cursors across equal timestamps, and no repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    const pageSizes: number[] = [];
    do {
      const page = await history.page('pager', 3, cursor);
      pageSizes.push(page.notifications.length);
      seen.push(...page.notifications.map((n) => n.subject ?? ''));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(pageSizes).to.deep.equal([3, 3, 1]);
    expect(seen).to.deep.equal(['n7', 'n6', 'n5', 'n4', 'n3', 'n2', 'n1']);
  });

  it('shows the status, reason and priority of each notification', async () => {
    const page = await history.page('pager', 2, null);
    expect(page.notifications.map((n) => [n.subject, n.status, n.reason, n.priority, n.retryOf])).to.deep.equal([
      ['n7', 'pending', null, 'normal', null],
      ['n6', 'suppressed', 'preference_opt_out', 'normal', null],
    ]);
  });

  it('shows the attempts of each notification in order, with their times', async () => {
    await recordOutcome(kysely, uuid(7), { kind: 'transient', error: 'busy', response: '450 busy' }, new Date(T0 + 5_001), 21);
    await recordOutcome(kysely, uuid(7), { kind: 'accepted', response: '250 ok', providerMessageId: null }, new Date(T0 + 6_250), 9);
    const [newest] = (await history.page('pager', 1, null)).notifications;
    expect(newest?.status).to.equal('sent');
    expect(newest?.attempts).to.deep.equal([
      { number: 1, attemptedAt: new Date(T0 + 5_001), outcome: 'transient_failure', response: '450 busy', error: 'busy', latencyMs: 21 },
      { number: 2, attemptedAt: new Date(T0 + 6_250), outcome: 'accepted', response: '250 ok', error: null, latencyMs: 9 },
    ]);
  });

  it('shows a failure with its reason, its retry linked to it, and a provider-down attempt that used no attempt', async () => {
    const failedId = uuid(200);
    await new KyselyUnitOfWork(kysely, testStamping()).execute((uow) =>
      uow.notifications.add(NotificationRequest.request(aNewNotification({ id: failedId, userId: 'retrier', priority: 'high', content: { subject: 'first', body: null, templateVars: {} } }), new Date(T0))),
    );
    const failed = await recordOutcome(kysely, failedId, { kind: 'permanent', error: 'no such user', response: '550 no such user' }, new Date(T0 + 1_000), 7);
    const retryId = uuid(201);
    await new KyselyUnitOfWork(kysely, testStamping()).execute((uow) => uow.notifications.add(NotificationRequest.retryOf(failed, retryId, new Date(T0 + 60_000))));
    await recordOutcome(
      kysely,
      retryId,
      { kind: 'provider_down', error: 'service not available', response: '421 service not available', attempted: true, configurationFault: false },
      new Date(T0 + 61_000),
      3,
    );

    const { notifications, nextCursor } = await history.page('retrier', 10, null);

    expect(nextCursor).to.equal(null);
    expect(notifications.map((n) => [n.id, n.status, n.reason, n.priority, n.retryOf, n.subject])).to.deep.equal([
      [retryId, 'pending', null, 'high', failedId, 'first'],
      [failedId, 'failed', 'permanent_failure', 'high', null, 'first'],
    ]);
    expect(notifications[0]?.attempts).to.deep.equal([
      { number: 1, attemptedAt: new Date(T0 + 61_000), outcome: 'provider_down', response: '421 service not available', error: 'service not available', latencyMs: 3 },
    ]);
    expect(notifications[0]?.nextAttemptAt).to.deep.equal(new Date(T0 + 62_000));
    expect(notifications[1]?.attempts.map((a) => [a.number, a.outcome, a.response])).to.deep.equal([[1, 'permanent_failure', '550 no such user']]);
  });

  it('refuses a cursor it did not issue', async () => {
    let error: unknown;
    try {
      await history.page('pager', 3, Buffer.from('["yesterday","x"]').toString('base64url'));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(InvalidValueError);
    expect((error as InvalidValueError).field).to.equal('cursor');
  });
});
