import { expect } from 'chai';
import { providerMessageIdOf } from '../../../src/adapters/email/smtp-queue-id.js';

describe('providerMessageIdOf: the id a server names in its 250 reply', () => {
  const cases: ReadonlyArray<[string, string, string | null]> = [
    ['Postfix', '250 2.0.0 Ok: queued as 4Tx1Lq0Z3Nz9', '4Tx1Lq0Z3Nz9'],
    ['SendGrid', '250 Ok: queued as 5k2pZbGQTGm9QuGyA0aGpA', '5k2pZbGQTGm9QuGyA0aGpA'],
    ['smtp-server (our sink)', '250 OK: queued as 17', '17'],
    ['an id in angle brackets', '250 OK queued as <1d9f2c0e-7a4b@mx.example>', '1d9f2c0e-7a4b@mx.example'],
    ['Exim', '250 OK id=1rXyZa-0001Ab-2C', '1rXyZa-0001Ab-2C'],
    ['Sendmail', '250 2.0.0 4AB1cDeF012345 Message accepted for delivery', '4AB1cDeF012345'],
    ['Gmail', '250 2.0.0 OK  1700000000 d9443c01a7336-1c9b4f3e2a1si123456plh.42 - gsmtp', 'd9443c01a7336-1c9b4f3e2a1si123456plh.42'],
    ['a reply without an id', '250 Great success', null],
    ['a bare OK', '250 2.0.0 OK', null],
    ['a reply with free text only', '250 Message received, thank you', null],
    ['an empty reply', '', null],
  ];
  for (const [name, reply, id] of cases) {
    it(`${name}: ${JSON.stringify(id)}`, () => {
      expect(providerMessageIdOf(reply)).to.equal(id);
    });
  }

  it('prefers the Message-ID nodemailer read from an Outlook or SES reply', () => {
    expect(providerMessageIdOf('250 2.0.0 OK <AB12@eur.prod.outlook.com> [Hostname=x]', '<AB12@eur.prod.outlook.com>')).to.equal(
      '<AB12@eur.prod.outlook.com>',
    );
  });

  it('ignores a serverMessageId that is not a Message-ID', () => {
    expect(providerMessageIdOf('250 OK: queued as 9', 'not an id')).to.equal('9');
  });
});
