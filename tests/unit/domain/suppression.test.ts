import { expect } from 'chai';
import { InvalidValueError } from '../../../src/domain/errors.js';
import { Suppression } from '../../../src/domain/suppression.js';
import { T0 } from '../mothers.js';
import { thrown } from '../rejection.js';

const fields = (overrides: Record<string, unknown> = {}) => ({ channel: 'sms', address: '+15551234567', reason: 'opted_out', source: 'sms_stop', ...overrides });

describe('Suppression', () => {
  it('holds an address in its channel form, with its reason, source and time', () => {
    expect(Suppression.of(fields(), 'id-1', T0)).to.deep.equal({
      id: 'id-1',
      channel: 'sms',
      address: '+15551234567',
      reason: 'opted_out',
      source: 'sms_stop',
      createdAt: T0,
    });
  });

  it("writes each channel's address as that channel does", () => {
    const address = (channel: string, raw: string) => Suppression.of(fields({ channel, address: raw }), 'id', T0).address;
    expect(address('email', 'Ada@Example.COM')).to.equal('Ada@example.com');
    expect(address('webhook', 'HTTPS://Example.com')).to.equal('https://example.com/');
    expect(address('push', 'tok-a')).to.equal('tok-a');
    expect(address('in_app', 'user-1')).to.equal('user-1');
  });

  it('refuses an unknown channel or reason, a bad address and a blank or multi-line source, naming each field', () => {
    const refused: Array<[Record<string, unknown>, string]> = [
      [{ channel: 'fax' }, 'channel'],
      [{ reason: 'annoyed' }, 'reason'],
      [{ address: '5551234567' }, 'address'],
      [{ channel: 'email', address: 'not-an-email' }, 'address'],
      [{ source: '' }, 'source'],
      [{ source: ' admin' }, 'source'],
      [{ source: 'a\nb' }, 'source'],
      [{ source: 'x'.repeat(101) }, 'source'],
    ];
    for (const [overrides, field] of refused) {
      const error = thrown(() => Suppression.of(fields(overrides), 'id', T0));
      expect(error, JSON.stringify(overrides)).to.be.instanceOf(InvalidValueError);
      expect((error as InvalidValueError).field, JSON.stringify(overrides)).to.equal(field);
    }
  });
});
