import { expect } from 'chai';
import { InvalidTransitionError, InvalidValueError, ScheduleNotActiveError } from '../../../src/domain/errors.js';
import { type NewSchedule, Schedule, type ScheduledRequest, occurrenceKey } from '../../../src/domain/schedule.js';
import { thrown } from '../rejection.js';

const NOW = new Date('2026-11-29T10:00:00.000Z');
const FIRST = new Date('2026-11-30T08:00:00.000Z');
const SECOND = new Date('2026-12-01T08:00:00.000Z');
const LATER = new Date('2026-11-30T08:00:00.400Z');
const REQUEST = { notification_type: 'welcome', userid: 'u1' };

function aSchedule(overrides: Partial<NewSchedule> = {}): Schedule {
  return Schedule.create({ id: 'schedule-1', request: REQUEST, timeZone: 'Europe/Berlin', recurrence: '0 9 * * *', firstFireAt: FIRST, ...overrides }, NOW);
}

describe('Schedule', () => {
  it('is created active, due at its first occurrence, never fired', () => {
    expect(aSchedule().snapshot()).to.deep.equal({
      id: 'schedule-1',
      request: REQUEST,
      timeZone: 'Europe/Berlin',
      recurrence: '0 9 * * *',
      nextFireAt: FIRST,
      status: 'active',
      firedCount: 0,
      lastFiredAt: null,
      createdAt: NOW,
      updatedAt: NOW,
    });
  });

  it('refuses a request that is not a JSON object', () => {
    for (const request of [null, [], 'send', 3] as unknown as ScheduledRequest[]) {
      const error = thrown(() => aSchedule({ request }));
      expect(error).to.be.instanceOf(InvalidValueError).with.property('field', 'request');
    }
  });

  it('moves to the next occurrence when a recurring one fired', () => {
    const schedule = aSchedule();
    schedule.fired(FIRST, SECOND, LATER);
    expect(schedule.snapshot()).to.deep.include({ status: 'active', nextFireAt: SECOND, firedCount: 1, lastFiredAt: LATER, updatedAt: LATER });
  });

  it('completes when no occurrence is left', () => {
    const schedule = aSchedule({ recurrence: null });
    schedule.fired(FIRST, null, LATER);
    expect(schedule.snapshot()).to.deep.include({ status: 'completed', nextFireAt: null, firedCount: 1, lastFiredAt: LATER });
  });

  it('refuses to fire an occurrence other than the due one, or to go back in time', () => {
    const schedule = aSchedule();
    expect(thrown(() => schedule.fired(SECOND, null, LATER))).to.be.instanceOf(InvalidTransitionError);
    expect(thrown(() => schedule.fired(FIRST, FIRST, LATER))).to.be.instanceOf(InvalidTransitionError);
    expect(schedule.snapshot()).to.deep.include({ status: 'active', nextFireAt: FIRST, firedCount: 0 });
  });

  it('is cancelled once: it is then due never, and neither fires nor cancels again', () => {
    const schedule = aSchedule();
    schedule.cancel(LATER);
    expect(schedule.snapshot()).to.deep.include({ status: 'cancelled', nextFireAt: null, updatedAt: LATER });
    const again = thrown(() => schedule.cancel(LATER));
    expect(again).to.be.instanceOf(ScheduleNotActiveError).with.property('code', 'schedule_not_active');
    expect(again.message).to.equal('schedule schedule-1 is cancelled, not active');
    expect(thrown(() => schedule.fired(FIRST, null, LATER))).to.be.instanceOf(ScheduleNotActiveError);
  });

  it('cannot cancel a completed schedule', () => {
    const schedule = aSchedule({ recurrence: null });
    schedule.fired(FIRST, null, LATER);
    expect(thrown(() => schedule.cancel(LATER))).to.be.instanceOf(ScheduleNotActiveError).with.property('status', 'completed');
  });

  it('keys each occurrence by its schedule and its scheduled instant', () => {
    expect(occurrenceKey('schedule-1', FIRST)).to.equal('schedule-1@2026-11-30T08:00:00.000Z');
  });
});
