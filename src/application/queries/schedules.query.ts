import { InvalidValueError, ScheduleNotFoundError } from '../../domain/errors.js';
import type { ScheduleFilter, SchedulePage, ScheduleReadModel, ScheduleView } from '../ports/read-models.js';

export const SCHEDULES_DEFAULT_SIZE = 20;
export const SCHEDULES_MAX_SIZE = 100;

/** Schedules as the API lists them: newest first, a page at a time. */
export class SchedulesQuery {
  constructor(private readonly readModel: ScheduleReadModel) {}

  async one(id: string): Promise<ScheduleView> {
    const schedule = await this.readModel.find(id);
    if (!schedule) throw new ScheduleNotFoundError(id);
    return schedule;
  }

  async list(filter: ScheduleFilter, page = 1, size = SCHEDULES_DEFAULT_SIZE): Promise<SchedulePage> {
    if (!Number.isInteger(page) || page < 1 || !Number.isSafeInteger(page * SCHEDULES_MAX_SIZE)) throw new InvalidValueError('page', 'must be a whole number from 1');
    if (!Number.isInteger(size) || size < 1 || size > SCHEDULES_MAX_SIZE) throw new InvalidValueError('size', `must be an integer from 1 to ${SCHEDULES_MAX_SIZE}`);
    return this.readModel.page(filter, page, size);
  }
}
