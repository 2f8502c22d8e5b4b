import { expect } from 'chai';
import type { InvalidValueError } from '../../../src/domain/errors.js';
import { PhoneNumber } from '../../../src/domain/phone-number.js';
import { MAX_SMS_LENGTH, checkSmsBody, smsSegments } from '../../../src/domain/sms-segments.js';
import { thrown } from '../rejection.js';

const field = (call: () => unknown) => (thrown(call) as InvalidValueError).field;

describe('PhoneNumber', () => {
  it('accepts E.164 numbers as given', () => {
    for (const raw of ['+4915112345678', '+14155552671', '+12', '+123456789012345']) expect(PhoneNumber.of(raw).value).to.equal(raw);
  });

  it('refuses anything else, naming the field', () => {
    for (const raw of ['4915112345678', '+0123', '+49 151 1234', '+1234567890123456', '+1', '', '+49-151', 4915112345678, '+4915112345678\n']) {
      expect(field(() => PhoneNumber.of(raw))).to.equal('phone_number');
    }
    expect(field(() => PhoneNumber.of('x', 'to'))).to.equal('to');
  });
});

describe('SMS segments', () => {
  it('counts GSM-7 bodies in 160 septets, then 153 per part; extension characters take two', () => {
    expect(smsSegments('a'.repeat(160))).to.deep.equal({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161))).to.deep.equal({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(smsSegments('a'.repeat(306)).segments).to.equal(2);
    expect(smsSegments('a'.repeat(307)).segments).to.equal(3);
    expect(smsSegments('€'.repeat(80))).to.deep.equal({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('Grüße, Ñandu! [1]')).to.deep.include({ encoding: 'GSM-7', units: 19 });
    expect(smsSegments('Ñandú').encoding).to.equal('UCS-2');
  });

  it('counts any other body as UCS-2: 70 code units, then 67 per part (an emoji takes two)', () => {
    expect(smsSegments('ç'.repeat(70))).to.deep.equal({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments('Привет'.repeat(12))).to.deep.equal({ encoding: 'UCS-2', units: 72, segments: 2 });
    expect(smsSegments('🚀'.repeat(35))).to.deep.equal({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments('a'.repeat(134) + '🚀')).to.deep.equal({ encoding: 'UCS-2', units: 136, segments: 3 });
  });

  it(`refuses an empty body or one over ${MAX_SMS_LENGTH} characters, naming the field`, () => {
    expect(checkSmsBody('x'.repeat(MAX_SMS_LENGTH))).to.have.lengthOf(MAX_SMS_LENGTH);
    expect(field(() => checkSmsBody('x'.repeat(MAX_SMS_LENGTH + 1)))).to.equal('body');
    expect(field(() => checkSmsBody('  ', 'variants[0].body'))).to.equal('variants[0].body');
  });
});
