import { expect } from 'chai';
import type { AuditFilter, AuditPosition, AuditReadModel } from '../../../src/application/ports/audit-read-model.js';
import { AuditQuery, type AuditListing } from '../../../src/application/queries/audit.query.js';
import { InvalidValueError } from '../../../src/domain/errors.js';
import { rejection } from '../rejection.js';

const NONE = { action: null, keyId: null, targetType: null, targetId: null, from: null, to: null };

function query() {
  const asked: Array<[AuditFilter, AuditPosition, number]> = [];
  const readModel: AuditReadModel = { page: async (filter, position, size) => (asked.push([filter, position, size]), { entries: [], nextCursor: null }) };
  return { audit: new AuditQuery(readModel), asked };
}

const listing = (fields: Partial<AuditListing> = {}): AuditListing => ({ filter: NONE, page: null, cursor: null, size: null, ...fields });

async function refusedField(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  expect(error).to.be.instanceOf(InvalidValueError);
  return (error as InvalidValueError).field;
}

describe('AuditQuery', () => {
  it('asks for the first page of 20 by default, and passes the filter on', async () => {
    const { audit, asked } = query();
    const filter = { ...NONE, action: 'api_key.revoked', keyId: 'k-1', from: new Date('2026-11-01T00:00:00Z') };
    expect(await audit.list(listing({ filter }))).to.deep.equal({ entries: [], nextCursor: null, size: 20 });
    expect(asked).to.deep.equal([[filter, { page: 1 }, 20]]);
  });

  it('pages by cursor when given one', async () => {
    const { audit, asked } = query();
    await audit.list(listing({ cursor: 'abc', size: 100 }));
    expect(asked).to.deep.equal([[NONE, { cursor: 'abc' }, 100]]);
  });

  it('refuses an unknown action, a page size over 100, a page below 1, page with cursor, and from after to', async () => {
    const { audit, asked } = query();
    expect(await refusedField(audit.list(listing({ filter: { ...NONE, action: 'api_key.deleted' } })))).to.equal('action');
    expect(await refusedField(audit.list(listing({ size: 101 })))).to.equal('page_size');
    expect(await refusedField(audit.list(listing({ page: 0 })))).to.equal('page');
    expect(await refusedField(audit.list(listing({ page: 2, cursor: 'abc' })))).to.equal('cursor');
    expect(await refusedField(audit.list(listing({ filter: { ...NONE, from: new Date(2), to: new Date(1) } })))).to.equal('from');
    expect(asked).to.deep.equal([]);
  });

  it('lists a numbered page at most 10,000 rows deep, and refuses a deeper one naming page and pointing at the cursor', async () => {
    const { audit, asked } = query();
    await audit.list(listing({ page: 101, size: 100 }));
    await audit.list(listing({ page: 501, size: 20 }));
    expect(asked.map(([, position, size]) => [position, size])).to.deep.equal([[{ page: 101 }, 100], [{ page: 501 }, 20]]);
    const refused = await audit.list(listing({ page: 102, size: 100 })).then(() => null, (e: InvalidValueError) => e);
    expect([refused?.field, refused?.reason]).to.deep.equal(['page', 'must be a whole number from 1, at most 10000 rows deep (page_size × (page - 1)); go deeper with the cursor']);
    expect(await refusedField(audit.list(listing({ page: 1_000_000 })))).to.equal('page');
    expect(asked).to.have.length(2);
  });
});
