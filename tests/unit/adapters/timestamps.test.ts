import { expect } from 'chai';
import pg from 'pg';
import { parseTimestamptz, typeParsers } from '../../../src/adapters/postgres/timestamps.js';

const library = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (text: string) => unknown;

function iso(value: unknown): string {
  expect(value).to.be.instanceOf(Date);
  return (value as Date).toISOString();
}

describe('parseTimestamptz', () => {
  it('reads UTC with and without a fraction, truncating to milliseconds', () => {
    expect(iso(parseTimestamptz('2026-11-22 06:40:06+00'))).to.equal('2026-11-22T06:40:06.000Z');
    expect(iso(parseTimestamptz('2026-11-22 06:40:06.5+00'))).to.equal('2026-11-22T06:40:06.500Z');
    expect(iso(parseTimestamptz('2026-11-22 06:40:06.890999+00'))).to.equal('2026-11-22T06:40:06.890Z');
  });

  it('applies offsets of hours, minutes and seconds, east and west', () => {
    expect(iso(parseTimestamptz('2026-11-22 12:10:06.25+05:30'))).to.equal('2026-11-22T06:40:06.250Z');
    expect(iso(parseTimestamptz('2026-11-22 03:10:06-03:30'))).to.equal('2026-11-22T06:40:06.000Z');
    expect(iso(parseTimestamptz('1910-01-01 00:00:00-00:44:30'))).to.equal('1910-01-01T00:44:30.000Z');
    expect(iso(parseTimestamptz('2026-03-29 03:00:00+02'))).to.equal('2026-03-29T01:00:00.000Z');
  });

  it('agrees with pg on what it hands over: early years, BC, infinity', () => {
    for (const text of ['0099-01-01 00:00:00+00', '2000-01-01 00:00:00+00 BC', 'infinity', '-infinity', '12026-01-01 00:00:00+00']) {
      expect(String(parseTimestamptz(text)), text).to.equal(String(library(text)));
    }
  });

  it('hands a malformed offset to pg rather than guessing', () => {
    expect(String(parseTimestamptz('2026-11-22 06:40:06+5'))).to.equal(String(library('2026-11-22 06:40:06+5')));
    expect(String(parseTimestamptz('2026-11-22 06:40:06+05:3x'))).to.equal(String(library('2026-11-22 06:40:06+05:3x')));
  });

  it('is what a pool gets for timestamptz in text; other types keep pg parsers', () => {
    expect(typeParsers.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text')).to.equal(parseTimestamptz);
    expect(typeParsers.getTypeParser(pg.types.builtins.TIMESTAMPTZ)).to.equal(parseTimestamptz);
    expect(typeParsers.getTypeParser(pg.types.builtins.INT4, 'text')('42')).to.equal(42);
    expect(typeParsers.getTypeParser(pg.types.builtins.JSONB, 'text')('{"a":1}')).to.deep.equal({ a: 1 });
  });
});
