import { ConcurrentModificationError, DomainError } from '../../domain/errors.js';
import { type Schedule, occurrenceKey } from '../../domain/schedule.js';
import type { ScheduleCalendar } from '../ports/schedule-calendar.js';
import type { ScheduledSender } from '../ports/scheduled-sender.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import { RefusedOccurrence } from './refused-occurrence.js';

/** What firing one occurrence takes, inside the transaction a FireDueSchedules tick opened for it. */
export class OccurrenceFiring {
  constructor(
    private readonly calendar: ScheduleCalendar,
    private readonly sender: ScheduledSender,
  ) {}

  /** Claims the earliest due schedule and fires its occurrence; false when none is due. Throws RefusedOccurrence. */
  async fireEarliest(uow: UnitOfWork, now: Date): Promise<boolean> {
    const [schedule] = await uow.schedules.claimDue(now, 1);
    const occurrenceAt = schedule?.snapshot().nextFireAt;
    if (!schedule || !occurrenceAt) return false;
    if (await uow.schedules.recordOccurrence(schedule.id, occurrenceAt, now)) {
      const notificationIds = await this.send(uow, schedule, occurrenceAt);
      await uow.schedules.completeOccurrence(schedule.id, occurrenceAt, { notificationIds });
    }
    await this.advance(uow, schedule, occurrenceAt, now);
    return true;
  }

  /** In a fresh transaction, unless another instance dealt with the occurrence meanwhile. */
  async recordRefusal(uow: UnitOfWork, refused: RefusedOccurrence, now: Date): Promise<void> {
    const { scheduleId, occurrenceAt } = refused;
    const schedule = await uow.schedules.get(scheduleId);
    const s = schedule?.snapshot();
    if (!schedule || s?.status !== 'active' || s.nextFireAt?.getTime() !== occurrenceAt.getTime()) return;
    if (await uow.schedules.recordOccurrence(scheduleId, occurrenceAt, now)) {
      await uow.schedules.completeOccurrence(scheduleId, occurrenceAt, { refusal: refused.message });
    }
    await this.advance(uow, schedule, occurrenceAt, now);
  }

  private async send(uow: UnitOfWork, schedule: Schedule, occurrenceAt: Date): Promise<readonly string[]> {
    try {
      return await this.sender.fire(uow, schedule.snapshot().request, occurrenceKey(schedule.id, occurrenceAt));
    } catch (error) {
      if (error instanceof DomainError && !(error instanceof ConcurrentModificationError)) throw new RefusedOccurrence(schedule.id, occurrenceAt, error);
      throw error;
    }
  }

  /** To the first occurrence strictly after both this one and now: missed ones collapse into this firing. */
  private async advance(uow: UnitOfWork, schedule: Schedule, occurrenceAt: Date, now: Date): Promise<void> {
    const { recurrence, timeZone } = schedule.snapshot();
    const after = new Date(Math.max(occurrenceAt.getTime(), now.getTime()));
    schedule.fired(occurrenceAt, recurrence === null ? null : this.calendar.nextAfter(recurrence, timeZone, after), now);
    await uow.schedules.save(schedule);
  }
}
