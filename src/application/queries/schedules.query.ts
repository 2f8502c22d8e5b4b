import { ScheduleNotFoundError } from '../../domain/errors.js';
import type { ScheduleFilter, SchedulePage, ScheduleReadModel, ScheduleView } from '../ports/read-models.js';
import { checkPage } from './paging.js';

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
    checkPage(page, size, SCHEDULES_MAX_SIZE);
    return this.readModel.page(filter, page, size);
  }
}
