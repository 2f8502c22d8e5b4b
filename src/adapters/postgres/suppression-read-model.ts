import type { SuppressionFilter, SuppressionPage, SuppressionReadModel } from '../../application/ports/suppressions.js';
import type { ReadRouter } from './read-router.js';
import { suppressionOf } from './suppressions.repository.js';

/** Served by the standby while it keeps up (ReadRouter): a suppression just added may lag by the bound. */
export class KyselySuppressionReadModel implements SuppressionReadModel {
  constructor(private readonly router: ReadRouter) {}

  async page(filter: SuppressionFilter, page: number, size: number): Promise<SuppressionPage> {
    return this.router.read(async (db) => {
      let matching = db.selectFrom('suppressions');
      if (filter.channel !== null) matching = matching.where('channel', '=', filter.channel);
      if (filter.address !== null) matching = matching.where('address', '=', filter.address);
      const rows = await matching
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(size)
        .offset((page - 1) * size)
        .execute();
      const { total } = await matching.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
      return { suppressions: rows.map(suppressionOf), total: Number(total) };
    });
  }
}
