import { expect } from 'chai';
import { CronerScheduleCalendar } from '../../../src/adapters/scheduling/croner-calendar.js';
import { ScheduleSends, type ScheduleInput } from '../../../src/application/scheduling/schedule-sends.js';
import { type InvalidValueError, ScheduleNotActiveError, ScheduleNotFoundError } from '../../../src/domain/errors.js';
import { FakeClock, FakeTemplateCatalogue, FakeUnitOfWork, InMemoryStore, SequentialIds } from '../../support/fakes.js';
import type { SendFields } from '../../../src/domain/commands.js';
import { checkSendable } from '../../../src/application/templates/release-for.js';
import { variableProblems } from '../../../src/entrypoints/template-variables-schema.js';
import { testStamping } from '../../support/test-container.js';
import { rejection } from '../rejection.js';

describe('ScheduleSends', () => {
  let store: InMemoryStore;
  let clock: FakeClock;
  let sends: ScheduleSends;
  const welcome: SendFields = { notificationType: 'welcome', channel: 'email', recipient: 'a@example.com', userId: null, subject: null, content: null, templateVars: {}, variablesField: 'variables', priority: null, locale: null, expiresAt: null };
  const input = (fields: Partial<ScheduleInput> = {}): ScheduleInput => ({ request: welcome, sendAt: '2026-03-29T02:30:00', timeZone: 'europe/berlin', recurrence: '30 2 * * *', ...fields });

  beforeEach(() => {
    store = new InMemoryStore();
    clock = new FakeClock(new Date('2026-03-01T00:00:00Z'));
    sends = new ScheduleSends(() => new FakeUnitOfWork(store, testStamping(clock)), new CronerScheduleCalendar(), clock, new SequentialIds(), (send) =>
      checkSendable(new FakeTemplateCatalogue(store), variableProblems, send),
    );
  });

  it('stores a schedule due at its send time, read in its zone (by its canonical name)', async () => {
    const created = await sends.schedule(input());
    expect(created).to.deep.include({ timeZone: 'Europe/Berlin', recurrence: '30 2 * * *', nextFireAt: new Date('2026-03-29T01:00:00Z'), status: 'active', createdAt: clock.now() });
    expect(store.schedules.get(created.id)).to.deep.equal(created);
    expect(created.request).to.deep.include({ notificationType: 'welcome', recipient: 'a@example.com', expiresAt: null });
  });

  it('refuses a send that could not be sent now (variables, type) and expires_at with a recurrence, storing nothing', async () => {
    const alert = { ...welcome, notificationType: 'security_alert' };
    expect(((await rejection(sends.schedule(input({ request: alert })))) as InvalidValueError).field).to.equal('variables.alert_message');
    expect(((await rejection(sends.schedule(input({ request: { ...welcome, notificationType: 'nope' } })))) as InvalidValueError).field).to.equal('notification_type');
    expect(((await rejection(sends.schedule(input({ request: { ...welcome, expiresAt: new Date() } })))) as InvalidValueError).field).to.equal('expires_at');
    expect(store.schedules.size).to.equal(0);
  });

  it('refuses a bad zone, recurrence or send time, naming the API field, and stores nothing', async () => {
    const fields: Array<[Partial<ScheduleInput>, string]> = [[{ timeZone: 'Mars/Base' }, 'timezone'], [{ recurrence: '* * * * * *' }, 'recurrence'], [{ timeZone: null }, 'send_at'], [{ sendAt: 'soon' }, 'send_at']];
    for (const [overrides, field] of fields) expect(((await rejection(sends.schedule(input(overrides)))) as InvalidValueError).field).to.equal(field);
    expect(store.schedules.size).to.equal(0);
  });

  it('answers the schedule stored first for the same Idempotency-Key and body, and refuses the key with another body', async () => {
    const idempotency = { key: 'caller:k1', requestHash: 'h1' };
    const first = await sends.schedule(input({ idempotency }));
    const again = await sends.schedule(input({ idempotency }));
    expect(again.id).to.equal(first.id);
    expect(store.schedules.size).to.equal(1);
    expect(await rejection(sends.schedule(input({ idempotency: { ...idempotency, requestHash: 'h2' } })))).to.have.property('code', 'idempotency_key_mismatch');
  });

  it('refuses to repeat a one-time secret, and an expiry not after the send time', async () => {
    const reset = { ...welcome, notificationType: 'password_reset', templateVars: { reset_token: 't-1' } };
    expect(((await rejection(sends.schedule(input({ request: reset })))) as InvalidValueError).field).to.equal('recurrence');
    expect((await sends.schedule(input({ request: reset, recurrence: null }))).status).to.equal('active');
    const expiring = { ...welcome, expiresAt: new Date('2026-03-29T01:00:00Z') };
    expect(((await rejection(sends.schedule(input({ request: expiring, recurrence: null })))) as InvalidValueError).field).to.equal('expires_at');
  });

  it('cancels an active schedule once; an unknown one is not found', async () => {
    const { id } = await sends.schedule(input());
    expect(await sends.cancel(id)).to.deep.include({ status: 'cancelled', nextFireAt: null });
    expect(await rejection(sends.cancel(id))).to.be.instanceOf(ScheduleNotActiveError);
    expect(await rejection(sends.cancel('unknown'))).to.be.instanceOf(ScheduleNotFoundError);
  });
});
