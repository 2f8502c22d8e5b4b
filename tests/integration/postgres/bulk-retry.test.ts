import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { ReadRouter } from '../../../src/adapters/postgres/read-router.js';
import { KyselyRetryableFailures, retryableFailures } from '../../../src/adapters/postgres/retryable-failures.js';
import { SystemClock } from '../../../src/adapters/system/system-clock.js';
import { UuidGenerator } from '../../../src/adapters/system/uuid-generator.js';
import { buildHandlerRegistry } from '../../../src/application/handlers/index.js';
import { retryNotification } from '../../../src/application/handlers/retry-notification.handler.js';
import { MessageBus } from '../../../src/application/message-bus.js';
import { BulkRetry, type BulkRetryRequest } from '../../../src/application/operations/bulk-retry.js';
import { BULK_RETRY_MAX } from '../../../src/domain/bulk-retry.js';
import { NotificationRequest } from '../../../src/domain/notification-request.js';
import { TestDatabase } from '../../support/databases.js';
import { RecordingBusMonitor, testHandlerDeps, testStamping } from '../../support/test-container.js';
import { aNewNotification, permanent } from '../../unit/mothers.js';
import { recordOutcome } from './notifications.js';

const CHUNK = 500;
const ANY = { type: null, channel: null, failedSince: null, failedUntil: null };
const request = (filter: Partial<BulkRetryRequest['filter']> = {}, dryRun = false): BulkRetryRequest => ({ filter: { ...ANY, ...filter }, dryRun, actor: 'key-1' });

describe('bulk retry against PostgreSQL', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let chunkMs: number[];
  let bulk: BulkRetry;

  /**
   * `n` notifications on `channel` in `status` (copies of one failed by a provider), changed over
   * the last n seconds; inserted a thousand a statement (the test servers share two CPUs).
   */
  async function stored(n: number, channel = 'email', status = 'failed'): Promise<void> {
    const id = randomUUID();
    await new KyselyUnitOfWork(kysely, testStamping()).execute((u) => u.notifications.add(NotificationRequest.request(aNewNotification({ id, channel: channel as 'email' }), new Date())));
    await recordOutcome(kysely, id, permanent(), new Date(Date.now() - 1_000));
    await kysely.updateTable('notifications').set({ status }).where('id', '=', id).execute();
    for (let from = 1; from < n; from += 1_000) {
      await sql`insert into notifications
        select (jsonb_populate_record(null::notifications, to_jsonb(n) || jsonb_build_object('id', gen_random_uuid(), 'updated_at', n.updated_at - make_interval(secs => g)))).*
        from notifications n, generate_series(${from}::int, ${Math.min(n - 1, from + 999)}::int) g where n.id = ${id}`.execute(kysely);
    }
  }
  const failed = (n: number, channel = 'email') => stored(n, channel);
  /** A copy of `of` on SMS in `status`, recorded as its fallback (a `first` route's next channel): answers its id. */
  async function fellBack(of: string, status: 'sent' | 'suppressed'): Promise<string> {
    const { rows } = await sql<{ id: string }>`insert into notifications
      select (jsonb_populate_record(null::notifications, to_jsonb(n) || jsonb_build_object('id', gen_random_uuid(), 'channel', 'sms', 'status', ${status}::text, 'fallback_of', n.id))).*
      from notifications n where n.id = ${of} returning id`.execute(kysely);
    return rows[0]!.id;
  }

  before(async () => {
    db = await TestDatabase.create('it_bulk_retry');
    kysely = db.kysely('bulk', db.url);
    const router = new ReadRouter(kysely, null, { maxLagSeconds: 5, checkIntervalMs: 1000 }, { fellBack: () => undefined, replicationLag: () => undefined });
    const clock = new SystemClock();
    const bus = new MessageBus(buildHandlerRegistry(testHandlerDeps(clock, new UuidGenerator())), () => new KyselyUnitOfWork(kysely, testStamping(clock)), new RecordingBusMonitor());
    const timed: Pick<MessageBus, 'handle'> = {
      handle: (async (command: Parameters<MessageBus['handle']>[0]) => {
        const started = performance.now();
        const result = await bus.handle(command as never);
        chunkMs.push(performance.now() - started);
        return result;
      }) as MessageBus['handle'],
    };
    bulk = new BulkRetry(timed, new KyselyRetryableFailures(router), clock, new UuidGenerator(), { chunkSize: CHUNK, max: BULK_RETRY_MAX });
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });
  beforeEach(async () => {
    chunkMs = [];
    await sql`truncate notifications, notification_attempts, outbox, audit_log`.execute(kysely);
  });

  it('retries 10,000 failed notifications in chunks of 500, leaves the rest for the next call, and audits every chunk', async () => {
    await failed(10_300);
    await failed(50, 'sms');
    expect(await bulk.run(request({ channel: 'email' }, true))).to.deep.equal({ dryRun: true, count: 10_000, remaining: 300 });
    const started = performance.now();
    const result = await bulk.run(request({ channel: 'email' }));
    const totalMs = performance.now() - started;
    console.log(`      10,000 retries: ${Math.round(totalMs)} ms in ${chunkMs.length} chunks; slowest chunk ${Math.round(Math.max(...chunkMs))} ms, median ${Math.round(chunkMs.sort((a, b) => a - b)[Math.floor(chunkMs.length / 2)] ?? 0)} ms`);
    if (result.dryRun) throw new Error('not a dry run');
    expect([result.count, result.remaining, new Set(result.notificationIds).size]).to.deep.equal([10_000, 300, 10_000]);
    expect(chunkMs).to.have.length(20);
    const { rows } = await sql<{ retries: number; pending: number; distinct_failed: number }>`select count(*)::int as retries, count(*) filter (where status = 'pending')::int as pending,
      count(distinct retry_of)::int as distinct_failed from notifications where retry_of is not null`.execute(kysely);
    expect(rows[0]).to.deep.equal({ retries: 10_000, pending: 10_000, distinct_failed: 10_000 });
    const audit = await kysely.selectFrom('audit_log').select(['action', 'target_type', 'target_id', 'key_id', sql<number>`(detail->>'count')::int`.as('count')]).execute();
    expect(audit).to.have.length(20);
    expect(new Set(audit.map((a) => `${a.action} ${a.target_type} ${a.target_id} ${a.key_id}`))).to.deep.equal(new Set([`notifications.bulk_retried notifications ${result.run} key-1`]));
    expect(audit.reduce((sum, a) => sum + a.count, 0)).to.equal(10_000);
    // The oldest failures went first; the next call takes the 300 left, and then nothing is left.
    const next = await bulk.run(request({ channel: 'email' }));
    expect([next.count, next.remaining]).to.deep.equal([300, 0]);
    expect(await bulk.run(request({ channel: 'email' }, true))).to.deep.equal({ dryRun: true, count: 0, remaining: 0 });
  });

  it('retries each notification once when two bulk retries run at the same time', async () => {
    await failed(3_000);
    const [a, b] = await Promise.all([bulk.run(request()), bulk.run(request())]);
    if (a.dryRun || b.dryRun) throw new Error('not a dry run');
    expect(a.count + b.count).to.equal(3_000);
    const { rows } = await sql<{ retries: number; distinct_failed: number }>`select count(*)::int as retries, count(distinct retry_of)::int as distinct_failed
      from notifications where retry_of is not null`.execute(kysely);
    expect(rows[0]).to.deep.equal({ retries: 3_000, distinct_failed: 3_000 });
    expect(new Set([...a.notificationIds, ...b.notificationIds]).size).to.equal(3_000);
  });

  it('takes only what the filter names: type, channel and the failure time', async () => {
    await failed(30);
    const { rows } = await sql<{ mid: Date }>`select updated_at as mid from notifications order by updated_at offset 10 limit 1`.execute(kysely);
    const mid = rows[0]!.mid;
    expect((await bulk.run(request({ failedSince: mid }, true))).count).to.equal(20);
    expect((await bulk.run(request({ failedUntil: mid }, true))).count).to.equal(10);
    expect((await bulk.run(request({ type: 'password_reset' }, true))).count).to.equal(0);
    expect((await bulk.run(request({ type: 'welcome', channel: 'email' }, true))).count).to.equal(30);
    expect((await bulk.run(request({ channel: 'sms' }, true))).count).to.equal(0);
  });

  it('leaves out a failed notification whose route fell back to a channel not suppressed, in the count and the rows', async () => {
    await failed(3);
    const [x, s, plain] = (await kysely.selectFrom('notifications').select('id').orderBy('updated_at').execute()).map((r) => r.id);
    // x's SMS fallback was sent: the user has it. s's was suppressed: the user has nothing yet.
    const sms = await fellBack(x!, 'sent');
    await fellBack(s!, 'suppressed');
    expect(await bulk.run(request({}, true))).to.deep.equal({ dryRun: true, count: 2, remaining: 0 });
    const result = await bulk.run(request({ channel: 'email' }));
    expect([result.count, result.remaining]).to.deep.equal([2, 0]);
    const retried = await kysely.selectFrom('notifications').select('retry_of').where('retry_of', 'is not', null).orderBy('retry_of').execute();
    expect(retried.map((r) => r.retry_of)).to.deep.equal([s, plain].sort());
    // The single retry goes ahead (on-call named it) and names the fallback.
    const single = await new KyselyUnitOfWork(kysely, testStamping()).execute((u) => retryNotification(new SystemClock(), new UuidGenerator())({ type: 'RetryNotification', notificationId: x! }, u));
    expect([single.result.retryOf, single.result.fallbacks]).to.deep.equal([x, [sms]]);
  });

  it('reads only the failed notifications through an index (notifications_failed or notifications_by_status), never the table', async () => {
    await stored(8_000, 'email', 'sent');
    await failed(500);
    await sql`analyze notifications`.execute(kysely);
    const filter = { ...ANY, failedUntil: new Date() };
    const compiled = retryableFailures(kysely, filter).select(['n.id', 'n.updated_at']).orderBy('n.updated_at').orderBy('n.id').limit(CHUNK).forUpdate().skipLocked().compile();
    const { rows } = await kysely.executeQuery<{ 'QUERY PLAN': string }>({ ...compiled, sql: `explain ${compiled.sql}` });
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    // Either index reads the failed rows alone; which one the planner takes depends on the statistics.
    expect(plan).to.match(/notifications_failed|notifications_by_status/);
    expect(plan).to.not.match(/Seq Scan on notifications/);
    expect(plan).to.contain('notifications_retry_of');
    expect(plan).to.contain('notifications_fallbacks');
  });
});
