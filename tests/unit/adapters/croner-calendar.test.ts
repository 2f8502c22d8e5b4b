import { expect } from 'chai';
import { CronerScheduleCalendar } from '../../../src/adapters/scheduling/croner-calendar.js';
import type { InvalidValueError } from '../../../src/domain/errors.js';
import { thrown } from '../rejection.js';

const calendar = new CronerScheduleCalendar();
const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';

/** The next `count` occurrences after `from`, as ISO strings. */
function occurrences(recurrence: string, zone: string | null, from: string, count: number): string[] {
  const found: string[] = [];
  for (let after = new Date(from); found.length < count; ) {
    const next = calendar.nextAfter(recurrence, zone, after);
    if (!next) break;
    found.push(next.toISOString());
    after = next;
  }
  return found;
}

function refusal(call: () => unknown): { field: string; reason: string } {
  const error = thrown(call) as InvalidValueError;
  expect(error).to.have.property('code', 'invalid_value');
  return { field: error.field, reason: error.reason };
}

describe('CronerScheduleCalendar', () => {
  describe('a daily recurrence at a local time across daylight-saving changes', () => {
    it('Europe/Berlin, spring forward (2026-03-29): 02:30 does not exist, fires once at 03:00 CEST', () => {
      expect(occurrences('30 2 * * *', BERLIN, '2026-03-27T12:00:00Z', 3)).to.deep.equal([
        '2026-03-28T01:30:00.000Z',
        '2026-03-29T01:00:00.000Z',
        '2026-03-30T00:30:00.000Z',
      ]);
    });

    it('Europe/Berlin, fall back (2026-10-25): 02:30 happens twice, fires once at the first (CEST)', () => {
      expect(occurrences('30 2 * * *', BERLIN, '2026-10-23T12:00:00Z', 3)).to.deep.equal([
        '2026-10-24T00:30:00.000Z',
        '2026-10-25T00:30:00.000Z',
        '2026-10-26T01:30:00.000Z',
      ]);
    });

    it('America/New_York, spring forward (2026-03-08): 02:30 does not exist, fires once at 03:00 EDT', () => {
      expect(occurrences('30 2 * * *', NEW_YORK, '2026-03-06T12:00:00Z', 3)).to.deep.equal([
        '2026-03-07T07:30:00.000Z',
        '2026-03-08T07:00:00.000Z',
        '2026-03-09T06:30:00.000Z',
      ]);
    });

    it('America/New_York, fall back (2026-11-01): 02:30 is not repeated there and fires once, at 02:30 EST', () => {
      expect(occurrences('30 2 * * *', NEW_YORK, '2026-10-30T12:00:00Z', 3)).to.deep.equal([
        '2026-10-31T06:30:00.000Z',
        '2026-11-01T07:30:00.000Z',
        '2026-11-02T07:30:00.000Z',
      ]);
    });

    it('America/New_York, fall back (2026-11-01): 01:30 happens twice, fires once at the first (EDT)', () => {
      expect(occurrences('30 1 * * *', NEW_YORK, '2026-10-30T12:00:00Z', 3)).to.deep.equal([
        '2026-10-31T05:30:00.000Z',
        '2026-11-01T05:30:00.000Z',
        '2026-11-02T06:30:00.000Z',
      ]);
    });
  });

  describe('recurrences that name several local times follow the wall clock too', () => {
    it('every half hour through the repeated hour: each local time once, not on the second pass', () => {
      // 02:00 and 02:30 CEST, then 03:00 CET: 02:00 and 02:30 CET are the same local times again.
      expect(occurrences('*/30 * * * *', BERLIN, '2026-10-24T23:50:00Z', 3)).to.deep.equal([
        '2026-10-25T00:00:00.000Z',
        '2026-10-25T00:30:00.000Z',
        '2026-10-25T02:00:00.000Z',
      ]);
    });

    it('asked from inside the second pass (after an outage), the next is the first local time after it', () => {
      expect(calendar.nextAfter('*/30 * * * *', BERLIN, new Date('2026-10-25T01:10:00Z'))?.toISOString()).to.equal('2026-10-25T02:00:00.000Z');
    });

    it('local times in the gap fire once at its end, together with the first valid time', () => {
      expect(occurrences('*/15 * * * *', BERLIN, '2026-03-29T00:50:00Z', 3)).to.deep.equal([
        '2026-03-29T01:00:00.000Z',
        '2026-03-29T01:15:00.000Z',
        '2026-03-29T01:30:00.000Z',
      ]);
    });

    it('a list of hours with one in the gap fires it at the end of the gap', () => {
      expect(occurrences('30 1,2 * * *', BERLIN, '2026-03-28T23:00:00Z', 3)).to.deep.equal([
        '2026-03-29T00:30:00.000Z',
        '2026-03-29T01:00:00.000Z',
        '2026-03-29T23:30:00.000Z',
      ]);
    });

    it('without a time zone, evaluates in UTC', () => {
      expect(occurrences('0 9 * * MON', null, '2026-03-27T12:00:00Z', 2)).to.deep.equal(['2026-03-30T09:00:00.000Z', '2026-04-06T09:00:00.000Z']);
    });

    it('takes a leading seconds field that fires once a minute', () => {
      expect(occurrences('15 30 2 * * *', BERLIN, '2026-03-28T12:00:00Z', 2)).to.deep.equal(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:15.000Z']);
    });
  });

  describe('instantOf', () => {
    const instant = (sendAt: string, zone: string | null) => calendar.instantOf(sendAt, zone, 'send_at').toISOString();

    it('takes an offset or Z as given, whatever the zone', () => {
      expect(instant('2026-03-29T09:30:00+02:00', BERLIN)).to.equal('2026-03-29T07:30:00.000Z');
      expect(instant('2026-03-29T09:30:00.250Z', null)).to.equal('2026-03-29T09:30:00.250Z');
      expect(instant('2026-03-29T09:30-0530', NEW_YORK)).to.equal('2026-03-29T15:00:00.000Z');
    });

    it('reads a local time in the zone', () => {
      expect(instant('2026-07-01T09:00:00', BERLIN)).to.equal('2026-07-01T07:00:00.000Z');
      expect(instant('2026-01-15T09:00', NEW_YORK)).to.equal('2026-01-15T14:00:00.000Z');
    });

    it('a local time skipped by the spring-forward change is the first instant after the gap', () => {
      expect(instant('2026-03-29T02:30:00', BERLIN)).to.equal('2026-03-29T01:00:00.000Z');
      expect(instant('2026-03-29T02:00:00', BERLIN)).to.equal('2026-03-29T01:00:00.000Z');
      expect(instant('2026-03-08T02:30:00', NEW_YORK)).to.equal('2026-03-08T07:00:00.000Z');
    });

    it('a local time repeated by the fall-back change is its first occurrence', () => {
      expect(instant('2026-10-25T02:30:00', BERLIN)).to.equal('2026-10-25T00:30:00.000Z');
      expect(instant('2026-11-01T01:30:00', NEW_YORK)).to.equal('2026-11-01T05:30:00.000Z');
    });

    it('refuses a local time without a zone, naming the field', () => {
      expect(refusal(() => calendar.instantOf('2026-03-29T09:30:00', null, 'send_at'))).to.deep.equal({
        field: 'send_at',
        reason: 'has no UTC offset: add one (Z, +02:00) or give a time zone',
      });
    });

    it('refuses what is no ISO-8601 date-time, or no date at all', () => {
      for (const sendAt of ['tomorrow', '2026-03-29', '2026-03-29 09:30:00Z', '2026-02-30T10:00:00Z', '2026-03-29T24:00:00Z', '2026-03-29T10:00:00+25:00', '2026-03-29T10:60Z']) {
        expect(refusal(() => calendar.instantOf(sendAt, BERLIN, 'send_at')).field, sendAt).to.equal('send_at');
      }
    });
  });

  describe('checkRecurrence', () => {
    it('accepts five fields, or six with a single second', () => {
      for (const expression of ['30 2 * * *', '0 9 * * MON-FRI', '*/5 * * * *', '0 30 2 * * *', '0 0 L * *']) calendar.checkRecurrence(expression, 'recurrence');
    });

    it('refuses bad syntax with the reason', () => {
      expect(refusal(() => calendar.checkRecurrence('61 * * * *', 'recurrence'))).to.deep.equal({
        field: 'recurrence',
        reason: 'is not a cron expression (minute hour day-of-month month day-of-week): Invalid value for minute: 61',
      });
      for (const expression of ['every day', '* * * *', '', '0 0 0 1 1 * 2030']) expect(refusal(() => calendar.checkRecurrence(expression, 'recurrence')).field).to.equal('recurrence');
    });

    it('refuses a seconds field that fires more than once a minute', () => {
      for (const expression of ['* * * * * *', '*/10 * * * * *', '0,30 * * * * *', '0-5 * * * * *']) {
        expect(refusal(() => calendar.checkRecurrence(expression, 'recurrence')).reason, expression).to.equal(
          'would fire more than once a minute: a seconds field must be a single number from 0 to 59',
        );
      }
    });

    it('refuses an expression no date matches', () => {
      expect(refusal(() => calendar.checkRecurrence('0 0 30 2 *', 'recurrence')).reason).to.equal('never fires: no date matches it');
    });

    it('refuses a very long expression', () => {
      expect(refusal(() => calendar.checkRecurrence(`0 0 ${'1,'.repeat(80)}2 * *`, 'recurrence')).reason).to.equal('must be at most 120 characters');
    });
  });

  describe('checkTimeZone', () => {
    it('gives the canonical name of an IANA zone', () => {
      expect(calendar.checkTimeZone('Europe/Berlin', 'timezone')).to.equal('Europe/Berlin');
      expect(calendar.checkTimeZone('america/new_york', 'timezone')).to.equal('America/New_York');
      expect(calendar.checkTimeZone('UTC', 'timezone')).to.equal('UTC');
    });

    it('refuses what is no IANA zone, offsets included', () => {
      for (const zone of ['Mars/Olympus_Mons', '+01:00', '', 'CET ', 'Europe/../Berlin']) {
        expect(refusal(() => calendar.checkTimeZone(zone, 'timezone')).field, zone).to.equal('timezone');
      }
    });
  });
});
