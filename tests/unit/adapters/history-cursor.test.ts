import { expect } from 'chai';
import { KyselyHistoryReadModel } from '../../../src/adapters/postgres/read-models.js';
import type { ReadRouter } from '../../../src/adapters/postgres/read-router.js';
import { InvalidValueError } from '../../../src/domain/errors.js';
import { rejection } from '../rejection.js';

const ID = '0b9f3c52-6a1e-4f3e-9c1d-2f6b7a8c9d0e';
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A read model whose database must not be reached: a refused cursor never becomes a query. */
function readModel(): { history: KyselyHistoryReadModel; queries: () => number } {
  let queries = 0;
  const router = {
    read: async () => {
      queries += 1;
      return { notifications: [], nextCursor: null };
    },
  } as unknown as ReadRouter;
  return { history: new KyselyHistoryReadModel(router), queries: () => queries };
}

describe('history cursors', () => {
  it('refuses dates PostgreSQL cannot store or JavaScript reads oddly, naming cursor, before any query', async () => {
    const { history, queries } = readModel();
    const odd = ['+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '+010000-01-01T00:00:00.000Z', '275760', 8.64e15, '2026-02-30T00:00:00.000Z', '2026-11-28T10:00:00Z', null];
    for (const at of odd) {
      const error = await rejection(history.page('u-1', 10, cursorOf([at, ID])));
      expect(error, String(at)).to.be.instanceOf(InvalidValueError);
      expect((error as InvalidValueError).field, String(at)).to.equal('cursor');
    }
    expect(queries()).to.equal(0);
  });

  it('accepts a cursor in the form it issues', async () => {
    const { history, queries } = readModel();
    await history.page('u-1', 10, cursorOf(['2026-11-28T10:00:00.123Z', ID]));
    expect(queries()).to.equal(1);
  });
});
