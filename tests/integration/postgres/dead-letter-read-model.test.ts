import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyDeadLetterReadModel } from '../../../src/adapters/postgres/dead-letter-read-model.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { ReadRouter } from '../../../src/adapters/postgres/read-router.js';
import type { DeadLetterMessage } from '../../../src/domain/dead-letter.js';
import { TestDatabase } from '../../support/databases.js';
import { testStamping } from '../../support/test-container.js';

const NO_FILTER = { reason: null, routingKey: null, from: null, to: null };
const T0 = new Date('2026-11-29T10:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

function message(n: number, fields: Partial<DeadLetterMessage> = {}): DeadLetterMessage {
  return {
    messageKey: `id:${randomUUID()}`,
    body: Buffer.from(`{"n":${n}}`),
    bodyTruncated: false,
    bodySize: 7,
    headers: { n },
    droppedHeaders: [],
    properties: {},
    exchange: 'notification.events',
    routingKey: n % 2 === 0 ? 'user.registered' : 'order.placed',
    queue: 'notification-service.events',
    reason: n % 3 === 0 ? 'delivery_limit' : 'unparseable',
    detail: '',
    firstDeathAt: minutes(n),
    lastDeathAt: minutes(n),
    deathCount: 1,
    replayOf: null,
    ...fields,
  };
}

describe('KyselyDeadLetterReadModel', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let model: KyselyDeadLetterReadModel;
  const ids: string[] = [];

  async function add(n: number, fields: Partial<DeadLetterMessage> = {}): Promise<string> {
    const id = randomUUID();
    await new KyselyUnitOfWork(kysely, testStamping()).execute((u) => u.deadLetters.add(id, message(n, fields), minutes(n)));
    return id;
  }

  before(async () => {
    db = await TestDatabase.create('it_dead_letter_reads');
    kysely = db.kysely();
    model = new KyselyDeadLetterReadModel(new ReadRouter(kysely, null, { maxLagSeconds: 5, checkIntervalMs: 1000 }, { fellBack: () => undefined, replicationLag: () => undefined }));
    await sql`truncate dead_letters`.execute(kysely);
    for (let n = 0; n < 12; n++) ids.push(await add(n));
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });

  it('lists newest first, a page at a time, with the total and a cursor that continues where the page ended', async () => {
    const first = await model.page(NO_FILTER, { page: 1, size: 5 });
    expect(first.total).to.equal(12);
    expect(first.items.map((d) => d.id)).to.deep.equal(ids.slice(7).reverse());
    const second = await model.page(NO_FILTER, { page: 2, size: 5 });
    expect(second.items.map((d) => d.id)).to.deep.equal(ids.slice(2, 7).reverse());
    const after = await model.page(NO_FILTER, { cursor: first.nextCursor, size: 5 });
    expect(after.items.map((d) => d.id)).to.deep.equal(second.items.map((d) => d.id));
    const last = await model.page(NO_FILTER, { page: 3, size: 5 });
    expect(last.items.map((d) => d.id)).to.deep.equal(ids.slice(0, 2).reverse());
    expect(last.nextCursor).to.equal(null);
  });

  it('filters by reason, routing key and time, counting only what matches', async () => {
    const limits = await model.page({ ...NO_FILTER, reason: 'delivery_limit' }, { page: 1, size: 100 });
    expect(limits.items.map((d) => d.headers.n)).to.deep.equal([9, 6, 3, 0]);
    expect(limits.total).to.equal(4);
    const orders = await model.page({ ...NO_FILTER, reason: 'unparseable', routingKey: 'order.placed' }, { page: 1, size: 100 });
    expect(orders.items.map((d) => d.headers.n)).to.deep.equal([11, 7, 5, 1]);
    const window = await model.page({ ...NO_FILTER, from: minutes(3), to: minutes(5) }, { page: 1, size: 100 });
    expect(window.items.map((d) => d.headers.n)).to.deep.equal([5, 4, 3]);
  });

  it('shows one with its fields as stored and the later dead letters that replay it', async () => {
    await sql`update dead_letters set replayed_at = ${minutes(50)} where id = ${ids[4]}`.execute(kysely);
    const replay = await add(20, { replayOf: ids[4] });
    const found = await model.find(ids[4] as string);
    expect(found).to.deep.include({ id: ids[4], routingKey: 'user.registered', reason: 'unparseable', replays: [replay], replayedAt: minutes(50), deathCount: 1 });
    expect(Buffer.from(found?.body ?? []).toString()).to.equal('{"n":4}');
    expect(await model.find(randomUUID())).to.equal(null);
    expect(await model.find('not-a-uuid')).to.equal(null);
    await sql`delete from dead_letters where id = ${replay}`.execute(kysely);
    await sql`update dead_letters set replayed_at = null where id = ${ids[4]}`.execute(kysely);
  });

  it('counts what a replay by filter would cover: not replayed yet, whole, at most the cap', async () => {
    await sql`update dead_letters set replayed_at = now() where id = ${ids[1]}`.execute(kysely);
    await sql`update dead_letters set body_truncated = true where id = ${ids[2]}`.execute(kysely);
    expect(await model.countReplayable({ ...NO_FILTER, reason: 'unparseable' }, 10_000)).to.equal(6);
    expect(await model.countReplayable(NO_FILTER, 3)).to.equal(3);
  });

  it('replays by filter a chunk at a time: locked newest first after a position, each an outbox row without the death headers', async () => {
    await sql`truncate outbox`.execute(kysely);
    await sql`update dead_letters set headers = headers || '{"x-death": [], "x-dead-letter-reason": "too_deep", "x-replayed-from": "old"}'::jsonb`.execute(kysely);
    const filter = { ...NO_FILTER, routingKey: 'user.registered' };
    const first = await new KyselyUnitOfWork(kysely, testStamping()).execute(async (u) => {
      const candidates = await u.deadLetters.lockReplayable(filter, null, 2);
      return { candidates, count: await u.deadLetters.replay(candidates.map((c) => c.id), minutes(60)) };
    });
    expect(first.result.candidates.map((c) => [c.id, c.routingKey, c.bodySize])).to.deep.equal([[ids[10], 'user.registered', 7], [ids[8], 'user.registered', 7]]);
    expect(first.result.count).to.equal(2);
    const { rows } = await sql<{ routing_key: string; headers: Record<string, unknown>; raw_body: Buffer; payload: unknown }>`select routing_key, headers, raw_body, payload from outbox order by convert_from(raw_body, 'utf8')`.execute(kysely);
    expect(rows.map((r) => [r.routing_key, r.raw_body.toString(), r.payload])).to.deep.equal([
      ['user.registered', '{"n":10}', null],
      ['user.registered', '{"n":8}', null],
    ]);
    expect(rows[0]?.headers).to.deep.equal({ n: 10, 'x-replayed-from': ids[10] });
    const last = first.result.candidates[1]!;
    const next = await new KyselyUnitOfWork(kysely, testStamping()).execute((u) => u.deadLetters.lockReplayable(filter, last, 10));
    expect(next.result.map((c) => c.id), 'after the position; ids[2] is truncated').to.deep.equal([ids[6], ids[4], ids[0]]);
    const again = await new KyselyUnitOfWork(kysely, testStamping()).execute((u) => u.deadLetters.replay([ids[10] as string], minutes(61)));
    expect(again.result).to.equal(0);
  });

  it("replays one that came through the default exchange (published over REST) to the service's own queue, the others to the events exchange", async () => {
    await sql`truncate outbox`.execute(kysely);
    // Rows of their own (the other tests read ids[...] as never replayed), removed afterwards.
    const direct = await add(50, { exchange: '', routingKey: 'notification-service.events' });
    const other = await add(51, { routingKey: 'order.placed' });
    const count = await new KyselyUnitOfWork(kysely, testStamping()).execute((u) => u.deadLetters.replay([direct, other], minutes(62)));
    expect(count.result).to.equal(2);
    const { rows } = await sql<{ routing_key: string; to_own_queue: boolean }>`select routing_key, to_own_queue from outbox order by routing_key`.execute(kysely);
    expect(rows.map((r) => [r.routing_key, r.to_own_queue])).to.deep.equal([
      ['notification-service.events', true],
      ['order.placed', false],
    ]);
    await sql`delete from dead_letters where id in (${direct}, ${other})`.execute(kysely);
    await sql`truncate outbox`.execute(kysely);
  });

  it('leaves replays that died again out of a replay by filter unless it includes them', async () => {
    const replay = await add(30, { replayOf: ids[10] });
    const without = await new KyselyUnitOfWork(kysely, testStamping()).execute((u) => u.deadLetters.lockReplayable(NO_FILTER, null, 100));
    expect(without.result.map((c) => c.id)).to.not.include(replay);
    const including = await new KyselyUnitOfWork(kysely, testStamping()).execute((u) => u.deadLetters.lockReplayable({ ...NO_FILTER, includeReplays: true }, null, 100));
    expect(including.result.map((c) => c.id)[0]).to.equal(replay);
    expect(await model.countReplayable({ ...NO_FILTER, includeReplays: true }, 10_000)).to.equal((await model.countReplayable(NO_FILTER, 10_000)) + 1);
    await sql`delete from dead_letters where id = ${replay}`.execute(kysely);
  });

  it('keeps an x-replayed-from only when it names a dead letter that was replayed', async () => {
    const forged = await add(31, { replayOf: ids[11] });
    const real = await add(32, { replayOf: ids[10] });
    const { rows } = await sql<{ id: string; replay_of: string | null }>`select id, replay_of from dead_letters where id in (${forged}, ${real}) order by created_at`.execute(kysely);
    expect(rows.map((r) => r.replay_of)).to.deep.equal([null, ids[10]]);
    await sql`delete from dead_letters where id in (${forged}, ${real})`.execute(kysely);
  });

  it('lists each body as its first 2 KiB, the detail as a whole, and counts the total up to 10,001', async () => {
    const big = await add(40, { body: Buffer.alloc(5000, 0x61), bodySize: 5000 });
    const page = await model.page(NO_FILTER, { page: 1, size: 1 });
    expect(page.items[0]).to.deep.include({ id: big, bodyComplete: false, bodySize: 5000 });
    expect(page.items[0]?.body.length).to.equal(2048);
    const small = await model.page(NO_FILTER, { page: 2, size: 1 });
    expect(small.items[0]?.bodyComplete).to.equal(true);
    const found = await model.find(big);
    expect(found).to.deep.include({ bodyComplete: true });
    expect(found?.body.length).to.equal(5000);
    expect(page).to.deep.include({ totalCapped: false });
    await sql`insert into dead_letters (id, message_key, body, body_truncated, body_size, headers, properties, exchange, routing_key, queue, reason, detail, first_death_at, last_death_at, death_count, created_at)
      select gen_random_uuid(), 'bulk:' || g, '', false, 0, '{}', '{}', '', 'bulk.key', '', 'bulk', '', now(), now(), 1, now() - interval '1 year' from generate_series(1, 10001) g`.execute(kysely);
    const many = await model.page({ ...NO_FILTER, reason: 'bulk' }, { page: 1, size: 10 });
    expect(many).to.deep.include({ total: 10_000, totalCapped: true });
    await sql`delete from dead_letters where reason = 'bulk' or id = ${big}`.execute(kysely);
  });
});
