import type { ScheduleFilter, SchedulePage, ScheduleReadModel, ScheduleView } from '../../application/ports/read-models.js';
import type { ReadRouter } from './read-router.js';
import { toScheduleSnapshot } from './schedule-rows.js';
import { isUuid } from './uuid.js';

/** Served by the standby while it keeps up (ReadRouter): a schedule just created may lag by the bound. */
export class KyselyScheduleReadModel implements ScheduleReadModel {
  constructor(private readonly router: ReadRouter) {}

  async find(id: string): Promise<ScheduleView | null> {
    if (!isUuid(id)) return null;
    const row = await this.router.read((db) => db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst());
    return row ? toScheduleSnapshot(row) : null;
  }

  async page(filter: ScheduleFilter, page: number, size: number): Promise<SchedulePage> {
    return this.router.read(async (db) => {
      let matching = db.selectFrom('schedules');
      if (filter.status !== null) matching = matching.where('status', '=', filter.status);
      const rows = await matching
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(size)
        .offset((page - 1) * size)
        .execute();
      const { total } = await matching.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
      return { schedules: rows.map(toScheduleSnapshot), total: Number(total) };
    });
  }
}
