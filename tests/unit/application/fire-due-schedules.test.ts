import { expect } from 'chai';
import { CronerScheduleCalendar } from '../../../src/adapters/scheduling/croner-calendar.js';
import type { ScheduledSender } from '../../../src/application/ports/scheduled-sender.js';
import type { UnitOfWork } from '../../../src/application/ports/unit-of-work.js';
import { FireDueSchedules } from '../../../src/application/scheduling/fire-due-schedules.js';
import { ConcurrentModificationError, InvalidValueError } from '../../../src/domain/errors.js';
import { type NewSchedule, Schedule, type ScheduledRequest, occurrenceKey } from '../../../src/domain/schedule.js';
import { FakeClock, FakeUnitOfWork, InMemoryStore } from '../../support/fakes.js';
import { testStamping } from '../../support/test-container.js';
import { rejection } from '../rejection.js';

const CREATED = new Date('2026-03-01T00:00:00.000Z');

/** Records each firing; `refuse` makes it throw after writing, as a sender that checks late would. */
class RecordingSender implements ScheduledSender {
  readonly calls: Array<{ request: ScheduledRequest; key: string }> = [];
  failure: Error | null = null;

  async fire(uow: UnitOfWork, request: ScheduledRequest, key: string): Promise<readonly string[]> {
    this.calls.push({ request, key });
    await uow.outbox.add([], new Date());
    await uow.apiKeys.add({ id: `written-by-${key}`, name: 'n', keyHash: 'h', scopes: [], createdAt: new Date() });
    if (this.failure) throw this.failure;
    return [`notification-${this.calls.length}`];
  }
}

describe('FireDueSchedules', () => {
  let store: InMemoryStore;
  let clock: FakeClock;
  let sender: RecordingSender;
  let committed: number;
  let fireDue: FireDueSchedules;

  beforeEach(() => {
    store = new InMemoryStore();
    clock = new FakeClock(new Date('2026-03-28T01:30:00.200Z'));
    sender = new RecordingSender();
    committed = 0;
    const unitOfWork = () => new FakeUnitOfWork(store, testStamping(clock));
    fireDue = new FireDueSchedules({ unitOfWork, calendar: new CronerScheduleCalendar(), sender, clock, batchSize: 2, afterCommit: () => (committed += 1) });
  });

  function scheduled(id: string, fields: Partial<NewSchedule> = {}): void {
    const schedule = Schedule.create({ id, request: { type: 'welcome', id }, timeZone: 'Europe/Berlin', recurrence: null, firstFireAt: new Date('2026-03-28T01:30:00Z'), ...fields }, CREATED);
    store.schedules.set(id, schedule.snapshot());
  }
  const occurrence = (id: string, at: string) => store.scheduleOccurrences.get(occurrenceKey(id, new Date(at)));

  it('fires a due one-off send once, records its notifications, and completes it', async () => {
    scheduled('s1');
    expect(await fireDue.tick()).to.deep.equal({ fired: 1, refused: [], more: false });
    expect(sender.calls).to.deep.equal([{ request: { type: 'welcome', id: 's1' }, key: 's1@2026-03-28T01:30:00.000Z' }]);
    expect(occurrence('s1', '2026-03-28T01:30:00Z')).to.deep.equal({
      scheduleId: 's1', occurrenceAt: new Date('2026-03-28T01:30:00Z'), firedAt: clock.now(), notificationIds: ['notification-1'], refusal: null,
    });
    expect(store.schedules.get('s1')).to.deep.include({ status: 'completed', nextFireAt: null, firedCount: 1, lastFiredAt: clock.now() });
    expect(await fireDue.tick()).to.deep.equal({ fired: 0, refused: [], more: false });
    expect(sender.calls).to.have.length(1);
    expect(committed).to.equal(3);
  });

  it('leaves alone what is not due yet and what was cancelled', async () => {
    scheduled('later', { firstFireAt: new Date('2026-03-28T01:30:01Z') });
    scheduled('cancelled');
    const cancelled = Schedule.restore(store.schedules.get('cancelled')!);
    cancelled.cancel(CREATED);
    store.schedules.set('cancelled', cancelled.snapshot());
    expect(await fireDue.tick()).to.deep.include({ fired: 0, more: false });
    expect(sender.calls).to.deep.equal([]);
  });

  it('moves a recurrence to its next local time, DST-correct (02:30 Berlin on 2026-03-29 is 03:00 CEST)', async () => {
    scheduled('daily', { recurrence: '30 2 * * *' });
    await fireDue.tick();
    expect(store.schedules.get('daily')).to.deep.include({ status: 'active', nextFireAt: new Date('2026-03-29T01:00:00Z'), firedCount: 1 });
  });

  it('collapses the occurrences missed while nothing ran into one firing, keyed by the earliest', async () => {
    scheduled('daily', { recurrence: '30 2 * * *', firstFireAt: new Date('2026-03-25T01:30:00Z') });
    expect(await fireDue.tick()).to.deep.include({ fired: 1, more: false });
    expect(sender.calls.map((c) => c.key)).to.deep.equal(['daily@2026-03-25T01:30:00.000Z']);
    expect(store.schedules.get('daily')?.nextFireAt).to.deep.equal(new Date('2026-03-29T01:00:00Z'));
  });

  it('fires at most the batch size per tick and then reports more work', async () => {
    for (const id of ['a', 'b', 'c']) scheduled(id);
    expect(await fireDue.tick()).to.deep.include({ fired: 2, more: true });
    expect(await fireDue.tick()).to.deep.include({ fired: 1, more: false });
    expect(sender.calls.map((c) => c.request.id)).to.have.members(['a', 'b', 'c']);
  });

  it('sends nothing for an occurrence already recorded (a restart after it fired), and moves on', async () => {
    scheduled('s1', { recurrence: '30 2 * * *' });
    store.scheduleOccurrences.set(occurrenceKey('s1', new Date('2026-03-28T01:30:00Z')), {
      scheduleId: 's1', occurrenceAt: new Date('2026-03-28T01:30:00Z'), firedAt: CREATED, notificationIds: ['earlier'], refusal: null,
    });
    expect(await fireDue.tick()).to.deep.include({ fired: 1 });
    expect(sender.calls).to.deep.equal([]);
    expect(store.schedules.get('s1')).to.deep.include({ nextFireAt: new Date('2026-03-29T01:00:00Z'), firedCount: 1 });
    expect(occurrence('s1', '2026-03-28T01:30:00Z')?.notificationIds).to.deep.equal(['earlier']);
  });

  it('records a request refused when it falls due, rolls back what the sender wrote, and moves on', async () => {
    scheduled('bad', { recurrence: '30 2 * * *' });
    scheduled('good', { firstFireAt: new Date('2026-03-28T01:30:00.100Z') });
    sender.failure = new InvalidValueError('template_id', 'no template has this key');
    const report = await fireDue.tick();
    expect(report).to.deep.include({ fired: 2, more: true });
    expect(report.refused.map((r) => [r.scheduleId, r.occurrenceAt.toISOString(), r.message])).to.deep.equal([
      ['bad', '2026-03-28T01:30:00.000Z', 'invalid_value: template_id: no template has this key'],
      ['good', '2026-03-28T01:30:00.100Z', 'invalid_value: template_id: no template has this key'],
    ]);
    expect(occurrence('bad', '2026-03-28T01:30:00Z')).to.deep.include({ notificationIds: [], refusal: 'invalid_value: template_id: no template has this key' });
    expect(store.schedules.get('bad')).to.deep.include({ status: 'active', nextFireAt: new Date('2026-03-29T01:00:00Z'), firedCount: 1 });
    expect(store.schedules.get('good')).to.deep.include({ status: 'completed' });
    expect(store.apiKeys.size).to.equal(0);
  });

  for (const failure of [new Error('connection terminated'), new ConcurrentModificationError('changed meanwhile')]) {
    it(`leaves the occurrence due when the sender fails otherwise (${failure.name})`, async () => {
      scheduled('s1');
      sender.failure = failure;
      expect(await rejection(fireDue.tick())).to.equal(failure);
      expect(store.scheduleOccurrences.size).to.equal(0);
      expect(store.schedules.get('s1')).to.deep.include({ status: 'active', firedCount: 0 });
      sender.failure = null;
      expect(await fireDue.tick()).to.deep.include({ fired: 1 });
      expect(store.schedules.get('s1')?.status).to.equal('completed');
    });
  }
});
