import { expect } from 'chai';
import { CronerScheduleCalendar } from '../../../src/adapters/scheduling/croner-calendar.js';
import { FireDueSchedules } from '../../../src/application/scheduling/fire-due-schedules.js';
import { InvalidValueError } from '../../../src/domain/errors.js';
import { Schedule } from '../../../src/domain/schedule.js';
import { ScheduleWorker } from '../../../src/entrypoints/workers/schedule-worker.js';
import { FakeClock, FakeUnitOfWork, InMemoryStore } from '../../support/fakes.js';
import { testStamping } from '../../support/test-container.js';
import { capturedLogger } from '../log-capture.js';
import { thrown } from '../rejection.js';

describe('ScheduleWorker', () => {
  const clock = new FakeClock(new Date('2026-11-29T10:00:00Z'));
  const store = new InMemoryStore();
  const sender = { fire: async () => Promise.reject(new InvalidValueError('recipient', 'is not an email address')) };
  const fireDue = new FireDueSchedules({ unitOfWork: () => new FakeUnitOfWork(store, testStamping(clock)), calendar: new CronerScheduleCalendar(), sender, clock, batchSize: 10 });

  it('fires what falls due and logs a refused request with its schedule and reason', async () => {
    const { lines, logger } = capturedLogger('warn');
    const worker = new ScheduleWorker(fireDue, logger, 20);
    worker.start();
    const schedule = Schedule.create({ id: 's1', request: {}, timeZone: null, recurrence: null, firstFireAt: clock.now() }, clock.now());
    store.schedules.set('s1', schedule.snapshot());
    worker.poke();
    for (let i = 0; i < 100 && lines.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await worker.stop();
    expect(store.schedules.get('s1')?.status).to.equal('completed');
    expect(lines.map((l) => [l.schedule_id, l.occurrence_at, l.code, l.reason])).to.deep.equal([
      ['s1', '2026-11-29T10:00:00.000Z', 'invalid_value', 'recipient: is not an email address'],
    ]);
  });

  it('refuses a poll interval that could let an occurrence wait over a second', () => {
    expect(thrown(() => new ScheduleWorker(fireDue, capturedLogger().logger, 1_000))).to.be.instanceOf(RangeError);
  });
});
