import { expect } from 'chai';
import { SchedulesQuery } from '../../../src/application/queries/schedules.query.js';
import { type InvalidValueError, ScheduleNotFoundError } from '../../../src/domain/errors.js';
import { Schedule } from '../../../src/domain/schedule.js';
import { FakeScheduleReadModel, InMemoryStore } from '../../support/fakes.js';
import { rejection } from '../rejection.js';

describe('SchedulesQuery', () => {
  const store = new InMemoryStore();
  const query = new SchedulesQuery(new FakeScheduleReadModel(store));
  for (const n of [1, 2, 3]) {
    const at = new Date(Date.UTC(2026, 10, 29, 10, 0, n));
    store.schedules.set(`s${n}`, Schedule.create({ id: `s${n}`, request: {}, timeZone: null, recurrence: null, firstFireAt: at }, at).snapshot());
  }

  it('lists newest first, twenty to a page unless asked otherwise', async () => {
    expect((await query.list({ status: null })).schedules.map((s) => s.id)).to.deep.equal(['s3', 's2', 's1']);
    expect(await query.list({ status: 'active' }, 2, 2)).to.deep.include({ total: 3 }).and.have.nested.property('schedules[0].id', 's1');
  });

  it('refuses a page or size out of range, naming it', async () => {
    for (const [page, size, field] of [[0, 20, 'page'], [1.5, 20, 'page'], [1e300, 20, 'page'], [1, 0, 'size'], [1, 101, 'size']] as const) {
      expect(((await rejection(query.list({ status: null }, page, size))) as InvalidValueError).field).to.equal(field);
    }
  });

  it('finds one by id, and says when there is none', async () => {
    expect((await query.one('s2')).id).to.equal('s2');
    expect(await rejection(query.one('nope'))).to.be.instanceOf(ScheduleNotFoundError).with.property('code', 'schedule_not_found');
  });
});
