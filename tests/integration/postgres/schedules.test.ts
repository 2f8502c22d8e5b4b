import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { rejection } from '../../unit/rejection.js';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { ReadRouter } from '../../../src/adapters/postgres/read-router.js';
import { KyselyScheduleReadModel } from '../../../src/adapters/postgres/schedule-read-model.js';
import { CronerScheduleCalendar } from '../../../src/adapters/scheduling/croner-calendar.js';
import type { ScheduledSender } from '../../../src/application/ports/scheduled-sender.js';
import type { UnitOfWork } from '../../../src/application/ports/unit-of-work.js';
import { FireDueSchedules } from '../../../src/application/scheduling/fire-due-schedules.js';
import { InvalidValueError } from '../../../src/domain/errors.js';
import { type NewSchedule, Schedule, type ScheduledRequest } from '../../../src/domain/schedule.js';
import { TestDatabase } from '../../support/databases.js';
import { FakeClock } from '../../support/fakes.js';
import { testStamping } from '../../support/test-container.js';

const CREATED = new Date('2026-10-01T00:00:00.000Z');
const DUE = new Date('2026-10-24T00:30:00.000Z');

/** Counts the firings of each occurrence key; waits a little inside the transaction to widen races. */
class CountingSender implements ScheduledSender {
  readonly firings = new Map<string, number>();
  refuse = false;

  async fire(uow: UnitOfWork, _request: ScheduledRequest, key: string): Promise<readonly string[]> {
    this.firings.set(key, (this.firings.get(key) ?? 0) + 1);
    await uow.apiKeys.add({ id: randomUUID(), name: key, keyHash: randomUUID(), scopes: [], createdAt: CREATED });
    await new Promise((resolve) => setTimeout(resolve, 2));
    if (this.refuse) throw new InvalidValueError('template_id', 'no template has this key');
    return [randomUUID()];
  }

  total(): number {
    return [...this.firings.values()].reduce((a, b) => a + b, 0);
  }
}

describe('PostgreSQL schedules', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let clock: FakeClock;
  let sender: CountingSender;
  const calendar = new CronerScheduleCalendar();
  const uow = (on = kysely) => new KyselyUnitOfWork(on, testStamping(clock));
  const ticker = (on = kysely, by = sender) => new FireDueSchedules({ unitOfWork: () => uow(on), calendar, sender: by, clock, batchSize: 5 });
  const readModel = () => new KyselyScheduleReadModel(new ReadRouter(kysely, null, { maxLagSeconds: 5, checkIntervalMs: 1000 }, { fellBack: () => undefined, replicationLag: () => undefined }));

  async function added(fields: Partial<NewSchedule> = {}, createdAt = CREATED): Promise<Schedule> {
    const schedule = Schedule.create({ id: randomUUID(), request: { notification_type: 'welcome', userid: 'u1' }, timeZone: null, recurrence: null, firstFireAt: DUE, ...fields }, createdAt);
    await uow().execute((u) => u.schedules.add(schedule));
    return schedule;
  }
  async function occurrences(): Promise<Array<{ schedule_id: string; occurrence_at: Date; notification_ids: string[]; refusal: string | null }>> {
    return (await sql<{ schedule_id: string; occurrence_at: Date; notification_ids: string[]; refusal: string | null }>`
      select schedule_id, occurrence_at, notification_ids, refusal from schedule_occurrences order by occurrence_at, schedule_id`.execute(kysely)).rows;
  }
  async function untilIdle(fireDue: FireDueSchedules): Promise<void> {
    while ((await fireDue.tick()).more);
  }
  /** Runs `work` on a pool of its own, as another instance would. */
  async function elsewhere<T>(name: string, work: (other: Kysely<Database>) => Promise<T>): Promise<T> {
    const other = db.kysely(name);
    try {
      return await work(other);
    } finally {
      await other.destroy();
    }
  }

  before(async () => {
    db = await TestDatabase.create('it_schedules');
    kysely = db.kysely();
  });
  beforeEach(async () => {
    clock = new FakeClock(DUE);
    sender = new CountingSender();
    await sql`truncate schedules, schedule_occurrences, api_keys`.execute(kysely);
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });

  it('stores a schedule and loads it as it was', async () => {
    const schedule = await added({ request: { content: { subject: 'Hi 🚀', body: '"quoted"' }, variables: { n: 1 } }, timeZone: 'Europe/Berlin', recurrence: '30 2 * * *' });
    const { result } = await uow().execute((u) => u.schedules.get(schedule.id));
    expect(result?.snapshot()).to.deep.equal(schedule.snapshot());
    expect((await uow().execute((u) => u.schedules.get('not-a-uuid'))).result).to.equal(null);
    expect(await readModel().find(schedule.id)).to.deep.equal(schedule.snapshot());
    expect(await readModel().find(randomUUID())).to.equal(null);
    expect(await readModel().find('42')).to.equal(null);
  });

  it('lists newest first, filtered by status, a page at a time, with the total', async () => {
    const [a, b, c] = [await added({}, new Date('2026-10-01T00:00:01Z')), await added({}, new Date('2026-10-01T00:00:02Z')), await added({}, new Date('2026-10-01T00:00:03Z'))];
    await uow().execute(async (u) => {
      const loaded = (await u.schedules.get(b.id))!;
      loaded.cancel(CREATED);
      await u.schedules.save(loaded);
    });
    const ids = (page: { schedules: readonly { id: string }[]; total: number }) => [page.schedules.map((s) => s.id), page.total];
    expect(ids(await readModel().page({ status: null }, 1, 2))).to.deep.equal([[c.id, b.id], 3]);
    expect(ids(await readModel().page({ status: null }, 2, 2))).to.deep.equal([[a.id], 3]);
    expect(ids(await readModel().page({ status: 'active' }, 1, 10))).to.deep.equal([[c.id, a.id], 2]);
    expect(ids(await readModel().page({ status: 'cancelled' }, 1, 10))).to.deep.equal([[b.id], 1]);
    expect(ids(await readModel().page({ status: 'completed' }, 1, 10))).to.deep.equal([[], 0]);
  });

  it('claims the due schedules earliest first, skipping those another transaction holds', async () => {
    const [first, second] = [await added({ firstFireAt: new Date(DUE.getTime() - 2000) }), await added({ firstFireAt: new Date(DUE.getTime() - 1000) })];
    await added({ firstFireAt: new Date(DUE.getTime() + 1) });
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let claimedFirst: string[] = [];
    const holding = uow().execute(async (u) => {
      claimedFirst = (await u.schedules.claimDue(DUE, 1)).map((s) => s.id);
      await held;
    });
    while (claimedFirst.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const { result: meanwhile } = await elsewhere('other', (other) => uow(other).execute((u) => u.schedules.claimDue(DUE, 10)));
    release();
    await holding;
    expect(claimedFirst).to.deep.equal([first.id]);
    expect(meanwhile.map((s) => s.id)).to.deep.equal([second.id]);
  });

  it('fires each occurrence exactly once when two instances tick on the same due schedules', async () => {
    const schedules = [];
    for (let i = 0; i < 20; i++) schedules.push(await added({ recurrence: i % 2 === 0 ? '*/1 * * * *' : null, firstFireAt: new Date(DUE.getTime() - i * 1000) }));
    const [one, two] = [new CountingSender(), new CountingSender()];
    await elsewhere('instance-1', (first) =>
      elsewhere('instance-2', (second) => Promise.all([untilIdle(ticker(first, one)), untilIdle(ticker(second, two)), untilIdle(ticker(first, one)), untilIdle(ticker(second, two))])),
    );
    expect([one.total(), two.total()].every((n) => n > 0), 'both instances fired some').to.equal(true);
    const keys = [...one.firings.keys(), ...two.firings.keys()];
    expect(new Set(keys).size).to.equal(20);
    expect(one.total() + two.total()).to.equal(20);
    expect(await occurrences()).to.have.length(20);
    const { rows } = await sql<{ status: string; n: number }>`select status, count(*)::int as n from schedules group by status order by status`.execute(kysely);
    expect(rows).to.deep.equal([{ status: 'active', n: 10 }, { status: 'completed', n: 10 }]);
  });

  it('fires each occurrence exactly once with four lanes firing at once on one instance', async () => {
    for (let i = 0; i < 30; i++) await added({ firstFireAt: new Date(DUE.getTime() - i * 1000) });
    const lanes = new FireDueSchedules({ unitOfWork: () => uow(), calendar, sender, clock, batchSize: 8, concurrency: 4 });
    const first = await lanes.tick();
    expect([first.fired, first.more]).to.deep.equal([8, true]);
    await untilIdle(lanes);
    expect([sender.total(), new Set(sender.firings.keys()).size]).to.deep.equal([30, 30]);
    expect(await occurrences()).to.have.length(30);
  });

  it('fails a tick with several lanes only once every lane has stopped, so no tick overlaps the next', async () => {
    await added({ firstFireAt: new Date(DUE.getTime() - 120_000) });
    const broken = await added({ firstFireAt: new Date(DUE.getTime() - 60_000) });
    for (let i = 0; i < 4; i++) await added();
    // One lane takes the earliest, the other the next, which fails at once (a bug, not a refusal);
    // the other firings take a moment, so a lane is still busy when the tick fails.
    const fired: string[] = [];
    const slow: ScheduledSender = {
      fire: async (_u, _request, key) => {
        if (key.startsWith(broken.id)) throw new Error('a bug in the sender');
        await new Promise((resolve) => setTimeout(resolve, 20));
        fired.push(key);
        return [randomUUID()];
      },
    };
    const lanes = new FireDueSchedules({ unitOfWork: () => uow(), calendar, sender: slow, clock, batchSize: 10, concurrency: 2 });
    expect(((await rejection(lanes.tick())) as Error).message).to.equal('a bug in the sender');
    const atFailure = fired.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fired.length, 'firings after the tick had failed').to.equal(atFailure);
  });

  it('lets only the first of two transactions take an occurrence key; the second waits and sends nothing', async () => {
    const schedule = await added();
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = uow().execute(async (u) => {
      const taken = await u.schedules.recordOccurrence(schedule.id, DUE, DUE);
      await held;
      return taken;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = elsewhere('other', async (other) => {
      const recording = uow(other).execute((u) => u.schedules.recordOccurrence(schedule.id, DUE, DUE));
      await new Promise((resolve) => setTimeout(resolve, 50));
      release();
      return recording;
    });
    expect([(await first).result, (await second).result]).to.deep.equal([true, false]);
  });

  it('gives the key to the next transaction when the one holding it rolls back (an instance dying mid-firing)', async () => {
    const schedule = await added();
    const died = await uow()
      .execute(async (u) => {
        await u.schedules.recordOccurrence(schedule.id, DUE, DUE);
        throw new Error('instance died');
      })
      .catch((error: Error) => error.message);
    await untilIdle(ticker());
    expect(died).to.equal('instance died');
    expect(sender.total()).to.equal(1);
    expect((await occurrences()).map((o) => o.notification_ids.length)).to.deep.equal([1]);
  });

  it('sends nothing again for an occurrence already recorded (a restart), and moves on', async () => {
    const schedule = await added({ recurrence: '30 2 * * *', timeZone: 'Europe/Berlin' });
    await untilIdle(ticker());
    await sql`update schedules set next_fire_at = ${DUE}, fired_count = 0 where id = ${schedule.id}`.execute(kysely);
    await untilIdle(ticker());
    expect(sender.total()).to.equal(1);
    expect(await occurrences()).to.have.length(1);
    const { result } = await uow().execute((u) => u.schedules.get(schedule.id));
    expect(result?.snapshot()).to.deep.include({ status: 'active', nextFireAt: new Date('2026-10-25T00:30:00Z'), firedCount: 1 });
  });

  it('moves a recurrence to its DST-correct next time: 02:30 Berlin fires once on the fall-back day', async () => {
    const schedule = await added({ recurrence: '30 2 * * *', timeZone: 'Europe/Berlin' });
    const fired: string[] = [];
    for (const now of ['2026-10-24T00:30:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2026-10-26T01:30:00Z']) {
      clock = new FakeClock(new Date(now));
      await untilIdle(ticker());
      fired.push(...(await occurrences()).map((o) => o.occurrence_at.toISOString()).filter((at) => !fired.includes(at)));
    }
    expect(fired).to.deep.equal(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    const { result } = await uow().execute((u) => u.schedules.get(schedule.id));
    expect(result?.snapshot().nextFireAt).to.deep.equal(new Date('2026-10-27T01:30:00Z'));
  });

  it('never fires a cancelled schedule', async () => {
    const schedule = await added();
    await uow().execute(async (u) => {
      const loaded = (await u.schedules.get(schedule.id))!;
      loaded.cancel(DUE);
      await u.schedules.save(loaded);
    });
    clock.advance(60_000);
    await untilIdle(ticker());
    expect(sender.total()).to.equal(0);
    expect(await occurrences()).to.deep.equal([]);
    expect(await readModel().find(schedule.id)).to.deep.include({ status: 'cancelled', nextFireAt: null });
  });

  it('records a request refused when it falls due with its reason and no notifications, rolling back what the sender wrote', async () => {
    const schedule = await added();
    sender.refuse = true;
    const report = await ticker().tick();
    expect(report.refused.map((r) => r.scheduleId)).to.deep.equal([schedule.id]);
    expect(await occurrences()).to.deep.equal([{ schedule_id: schedule.id, occurrence_at: DUE, notification_ids: [], refusal: 'invalid_value: template_id: no template has this key' }]);
    expect((await sql<{ n: number }>`select count(*)::int as n from api_keys`.execute(kysely)).rows).to.deep.equal([{ n: 0 }]);
    expect(await readModel().find(schedule.id)).to.deep.include({ status: 'completed', firedCount: 1 });
  });
});
