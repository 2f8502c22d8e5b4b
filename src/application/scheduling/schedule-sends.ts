import { InvalidValueError, ScheduleNotFoundError } from '../../domain/errors.js';
import { Schedule, type ScheduleSnapshot } from '../../domain/schedule.js';
import { storedRequest } from './scheduled-request.js';
import type { RequestIdempotency, SendFields } from '../../domain/commands.js';
import { idempotent } from '../handlers/idempotent.js';
import type { TemplateRelease } from '../ports/template-catalogue.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { ScheduleCalendar } from '../ports/schedule-calendar.js';
import type { UnitOfWorkFactory } from '../unit-of-work.js';

/** A send to schedule as the API takes it. */
export interface ScheduleInput {
  readonly request: SendFields;
  readonly idempotency?: RequestIdempotency | null;
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
    /** Refuses a send that could not be sent now (an unknown type, variables that do not fit); its template. */
    private readonly checkSendable: (send: SendFields) => Promise<TemplateRelease>,
    /** Told once a schedule is stored (this instance's firing loop then looks at once). */
    private readonly scheduled: () => void = () => undefined,
  ) {}

  /** With an Idempotency-Key, the same key and body answer the schedule stored first. */
  async schedule(input: ScheduleInput): Promise<ScheduleSnapshot> {
    const schedule = await this.checked(input);
    const { result } = await this.unitOfWork().execute(async (uow) => {
      const { scheduleId } = await idempotent(uow, input.idempotency ?? null, this.clock, async () => {
        await uow.schedules.add(schedule);
        return { scheduleId: schedule.id };
      });
      return scheduleId === schedule.id ? schedule.snapshot() : (await uow.schedules.get(String(scheduleId)))?.snapshot();
    });
    if (!result) throw new ScheduleNotFoundError('of this Idempotency-Key');
    this.scheduled();
    return result;
  }

  private async checked(input: ScheduleInput): Promise<Schedule> {
    const { request, recurrence } = input;
    if (recurrence !== null && request.expiresAt !== null) {
      throw new InvalidValueError('expires_at', "cannot be given with a recurrence (every occurrence would expire together): use the template's ttl");
    }
    const secret = (await this.checkSendable(request)).definition.variables.find((v) => v.secret && Object.hasOwn(request.templateVars, v.name));
    if (recurrence !== null && secret) throw new InvalidValueError('recurrence', `cannot repeat a send carrying the one-time ${secret.name}`);
    const timeZone = input.timeZone === null ? null : this.calendar.checkTimeZone(input.timeZone, 'timezone');
    if (recurrence !== null) this.calendar.checkRecurrence(recurrence, 'recurrence');
    const firstFireAt = this.calendar.instantOf(input.sendAt, timeZone, 'send_at');
    if (request.expiresAt !== null && request.expiresAt <= firstFireAt) throw new InvalidValueError('expires_at', 'must be after send_at');
    return Schedule.create({ id: this.ids.newId(), request: storedRequest(request), timeZone, recurrence, firstFireAt }, this.clock.now());
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
