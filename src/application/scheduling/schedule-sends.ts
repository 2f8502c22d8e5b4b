import { InvalidValueError, ScheduleNotFoundError } from '../../domain/errors.js';
import { Schedule, type ScheduleSnapshot } from '../../domain/schedule.js';
import { storedRequest } from './scheduled-request.js';
import type { SendFields } from '../../domain/commands.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { ScheduleCalendar } from '../ports/schedule-calendar.js';
import type { UnitOfWorkFactory } from '../unit-of-work.js';

/** A send to schedule as the API takes it. */
export interface ScheduleInput {
  readonly request: SendFields;
  /** ISO-8601: with an offset, or a local time in `timeZone`. The first occurrence, recurrence or not. */
  readonly sendAt: string;
  readonly timeZone: string | null;
  readonly recurrence: string | null;
}

/**
 * Creating and cancelling schedules. A `send_at` already past fires at the next tick. A cancelled
 * schedule never fires again: cancelling waits for a firing in progress (the row lock), after which
 * a one-off that fired is completed and refuses the cancel (ScheduleNotActiveError).
 */
export class ScheduleSends {
  constructor(
    private readonly unitOfWork: UnitOfWorkFactory,
    private readonly calendar: ScheduleCalendar,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    /** Refuses a send that could not be sent now (an unknown type, variables that do not fit). */
    private readonly checkSendable: (send: SendFields) => Promise<void>,
    /** Told once a schedule is stored (this instance's firing loop then looks at once). */
    private readonly scheduled: () => void = () => undefined,
  ) {}

  async schedule(input: ScheduleInput): Promise<ScheduleSnapshot> {
    if (input.recurrence !== null && input.request.expiresAt !== null) {
      throw new InvalidValueError('expires_at', "cannot be given with a recurrence (every occurrence would expire together): use the template's ttl");
    }
    await this.checkSendable(input.request);
    const timeZone = input.timeZone === null ? null : this.calendar.checkTimeZone(input.timeZone, 'timezone');
    if (input.recurrence !== null) this.calendar.checkRecurrence(input.recurrence, 'recurrence');
    const firstFireAt = this.calendar.instantOf(input.sendAt, timeZone, 'send_at');
    const schedule = Schedule.create({ id: this.ids.newId(), request: storedRequest(input.request), timeZone, recurrence: input.recurrence, firstFireAt }, this.clock.now());
    await this.unitOfWork().execute((uow) => uow.schedules.add(schedule));
    this.scheduled();
    return schedule.snapshot();
  }

  async cancel(id: string): Promise<ScheduleSnapshot> {
    const { result } = await this.unitOfWork().execute(async (uow) => {
      const schedule = await uow.schedules.get(id);
      if (!schedule) throw new ScheduleNotFoundError(id);
      schedule.cancel(this.clock.now());
      await uow.schedules.save(schedule);
      return schedule.snapshot();
    });
    return result;
  }
}
