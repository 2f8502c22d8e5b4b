import { expect } from 'chai';
import { InvalidValueError } from '../../../src/domain/errors.js';
import { QuietHours } from '../../../src/domain/quiet-hours.js';
import { thrown } from '../rejection.js';

const NIGHT = QuietHours.of('22:00', '08:00');

function until(hours: QuietHours, at: string, zone: string): string | null {
  return hours.deferredUntil(new Date(at), zone)?.toISOString() ?? null;
}

describe('QuietHours', () => {
  describe('a window across midnight (22:00–08:00, UTC)', () => {
    it('defers a time before midnight to 08:00 the next day', () => {
      expect(until(NIGHT, '2026-11-22T23:30:00Z', 'UTC')).to.equal('2026-11-23T08:00:00.000Z');
    });

    it('defers a time after midnight to 08:00 the same day', () => {
      expect(until(NIGHT, '2026-11-23T03:00:00Z', 'UTC')).to.equal('2026-11-23T08:00:00.000Z');
      expect(until(NIGHT, '2026-11-23T07:59:59.999Z', 'UTC')).to.equal('2026-11-23T08:00:00.000Z');
    });

    it('holds 22:00 exactly inside and 08:00 exactly outside', () => {
      expect(until(NIGHT, '2026-11-22T22:00:00Z', 'UTC')).to.equal('2026-11-23T08:00:00.000Z');
      expect(until(NIGHT, '2026-11-23T08:00:00Z', 'UTC')).to.equal(null);
      expect(until(NIGHT, '2026-11-22T21:59:59.999Z', 'UTC')).to.equal(null);
      expect(until(NIGHT, '2026-11-23T12:00:00Z', 'UTC')).to.equal(null);
    });
  });

  describe('a window within one day (13:00–14:00)', () => {
    const lunch = QuietHours.of('13:00', '14:00');

    it('defers a time inside it to 14:00 local (Europe/Brussels in winter is UTC+1)', () => {
      expect(until(lunch, '2026-11-23T12:30:00Z', 'Europe/Brussels')).to.equal('2026-11-23T13:00:00.000Z');
      expect(until(lunch, '2026-11-23T12:00:00Z', 'Europe/Brussels')).to.equal('2026-11-23T13:00:00.000Z');
    });

    it('leaves times before and after it alone', () => {
      expect(until(lunch, '2026-11-23T11:59:00Z', 'Europe/Brussels')).to.equal(null);
      expect(until(lunch, '2026-11-23T13:00:00Z', 'Europe/Brussels')).to.equal(null);
      expect(until(lunch, '2026-11-23T22:00:00Z', 'Europe/Brussels')).to.equal(null);
    });
  });

  describe('Europe/Brussels, spring forward on 2026-03-29 (02:00 CET → 03:00 CEST)', () => {
    it('ends the night window at 08:00 summer time', () => {
      expect(until(NIGHT, '2026-03-28T21:30:00Z', 'Europe/Brussels')).to.equal('2026-03-29T06:00:00.000Z');
      expect(until(NIGHT, '2026-03-28T23:30:00Z', 'Europe/Brussels')).to.equal('2026-03-29T06:00:00.000Z');
    });

    it('ends a window whose end falls in the gap at the first instant after it (03:00 CEST)', () => {
      expect(until(QuietHours.of('01:00', '02:30'), '2026-03-29T00:30:00Z', 'Europe/Brussels')).to.equal('2026-03-29T01:00:00.000Z');
      expect(until(QuietHours.of('23:00', '02:00'), '2026-03-28T22:30:00Z', 'Europe/Brussels')).to.equal('2026-03-29T01:00:00.000Z');
    });

    it('holds a time after the gap outside a window that ended in it', () => {
      expect(until(QuietHours.of('01:00', '02:30'), '2026-03-29T01:10:00Z', 'Europe/Brussels')).to.equal(null);
    });
  });

  describe('Europe/Brussels, fall back on 2026-10-25 (03:00 CEST → 02:00 CET)', () => {
    it('ends the night window at 08:00 winter time', () => {
      expect(until(NIGHT, '2026-10-24T21:00:00Z', 'Europe/Brussels')).to.equal('2026-10-25T07:00:00.000Z');
    });

    it('ends a window at the first occurrence of a repeated end time', () => {
      const hours = QuietHours.of('22:00', '02:30');
      expect(until(hours, '2026-10-24T21:00:00Z', 'Europe/Brussels')).to.equal('2026-10-25T00:30:00.000Z');
      expect(until(hours, '2026-10-25T00:15:00Z', 'Europe/Brussels')).to.equal('2026-10-25T00:30:00.000Z');
    });

    it('after that first occurrence, holds what the clock shows inside the window again until the second', () => {
      const hours = QuietHours.of('22:00', '02:30');
      expect(until(hours, '2026-10-25T00:45:00Z', 'Europe/Brussels'), '02:45 CEST').to.equal(null);
      expect(until(hours, '2026-10-25T01:15:00Z', 'Europe/Brussels'), '02:15 CET').to.equal('2026-10-25T01:30:00.000Z');
      expect(until(hours, '2026-10-25T01:30:00Z', 'Europe/Brussels'), '02:30 CET').to.equal(null);
    });
  });

  describe('America/New_York', () => {
    it('ends the night window at 08:00 EDT after spring forward on 2026-03-08', () => {
      expect(until(NIGHT, '2026-03-08T04:00:00Z', 'America/New_York')).to.equal('2026-03-08T12:00:00.000Z');
      expect(until(QuietHours.of('01:00', '02:30'), '2026-03-08T06:30:00Z', 'America/New_York')).to.equal('2026-03-08T07:00:00.000Z');
    });

    it('ends the night window at 08:00 EST after fall back on 2026-11-01, and a window in the repeated hour at each pass', () => {
      expect(until(NIGHT, '2026-11-01T03:00:00Z', 'America/New_York')).to.equal('2026-11-01T13:00:00.000Z');
      const early = QuietHours.of('00:00', '01:30');
      expect(until(early, '2026-11-01T04:30:00Z', 'America/New_York')).to.equal('2026-11-01T05:30:00.000Z');
      expect(until(early, '2026-11-01T06:15:00Z', 'America/New_York'), '01:15 EST').to.equal('2026-11-01T06:30:00.000Z');
    });
  });

  describe('QuietHours.of', () => {
    it('keeps start and end as given and compares by value', () => {
      expect([NIGHT.start, NIGHT.end]).to.deep.equal(['22:00', '08:00']);
      expect(NIGHT.equals(QuietHours.of('22:00', '08:00'))).to.equal(true);
      expect(NIGHT.equals(QuietHours.of('22:00', '07:00'))).to.equal(false);
      expect(NIGHT.equals(null)).to.equal(false);
      expect(QuietHours.of('00:00', '23:59').end).to.equal('23:59');
    });

    it('refuses a time that is not HH:MM from 00:00 to 23:59, naming start or end', () => {
      for (const [start, end, field] of [
        ['24:00', '08:00', 'quiet_hours.start'],
        ['7:00', '08:00', 'quiet_hours.start'],
        ['22:00', '08:60', 'quiet_hours.end'],
        ['22:00', '08:00:00', 'quiet_hours.end'],
        ['22:00', '', 'quiet_hours.end'],
      ] as const) {
        const error = thrown(() => QuietHours.of(start, end)) as InvalidValueError;
        expect(error, `${start}–${end}`).to.be.instanceOf(InvalidValueError);
        expect(error.field).to.equal(field);
        expect(error.reason).to.match(/HH:MM from 00:00 to 23:59/);
      }
    });

    it('refuses a window that starts where it ends, under the given field', () => {
      const error = thrown(() => QuietHours.of('08:00', '08:00', 'preferences.quiet_hours')) as InvalidValueError;
      expect([error.field, error.reason]).to.deep.equal(['preferences.quiet_hours', 'start and end must differ (the window would be empty or the whole day)']);
    });
  });
});
