import { renderedAs } from '../../support/rendered.js';
import { expect } from 'chai';
import { emailFor, messageIdDomain, refusalOf } from '../../../src/adapters/email/email-message.js';
import type { OutgoingMessage } from '../../../src/application/ports/channel-sender.js';

function aMessage(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    notificationId: '0b7e6f2a-3c1d-4e5f-8a9b-0c1d2e3f4a5b',
    notificationType: 'password_reset',
    userId: null,
    recipient: 'Ada Lovelace <ada@example.com>',
    correlationId: 'req-42',
    content: { channel: 'email', subject: 'Reset your password', html: '<p>Reset</p>', text: 'Reset' },
    ...overrides,
  };
}

describe('messageIdDomain: the right-hand side of our Message-IDs', () => {
  const cases: ReadonlyArray<[string, string]> = [
    ['no-reply@acme.com', 'acme.com'],
    ['Acme <no-reply@acme.com>', 'acme.com'],
    ['"Acme, Inc. <sales@evil.test>" <no-reply@Acme.COM>', 'acme.com'],
    ['Bücher <info@bücher.example>', 'xn--bcher-kva.example'],
    ['notifications@localhost', 'localhost'],
    ['Acme', 'localhost'],
    ['', 'localhost'],
    ['Acme <no-reply@>', 'localhost'],
  ];
  for (const [from, domain] of cases) {
    it(`${JSON.stringify(from)} -> ${domain}`, () => {
      expect(messageIdDomain(from)).to.equal(domain);
    });
  }
});

describe('emailFor', () => {
  it('addresses the recipient, carries the content, the Message-ID and the tracing headers', () => {
    const message = aMessage();
    expect(emailFor(message, 'Acme <no-reply@acme.com>', 'acme.com')).to.deep.equal({
      from: 'Acme <no-reply@acme.com>',
      to: 'Ada Lovelace <ada@example.com>',
      subject: 'Reset your password',
      text: 'Reset',
      html: '<p>Reset</p>',
      messageId: '<0b7e6f2a-3c1d-4e5f-8a9b-0c1d2e3f4a5b@acme.com>',
      headers: {
        'X-Notification-ID': message.notificationId,
        'X-Notification-Type': 'password_reset',
        'X-Correlation-ID': 'req-42',
      },
    });
  });

  it('uses the notification id as correlation id when there is none', () => {
    const email = emailFor(aMessage({ correlationId: null }), 'no-reply@acme.com', 'acme.com');
    expect(email.headers).to.have.property('X-Correlation-ID', '0b7e6f2a-3c1d-4e5f-8a9b-0c1d2e3f4a5b');
  });
});

describe('refusalOf', () => {
  it('lets a well-formed message through', () => {
    expect(refusalOf(aMessage())).to.equal(null);
  });

  it('refuses a NUL in the subject', () => {
    const message = aMessage();
    expect(refusalOf({ ...message, content: { ...renderedAs('email', message.content), subject: 'a\0b' } })).to.match(/^subject contains CR, LF or NUL/);
  });

  it('refuses a group of recipients', () => {
    expect(refusalOf(aMessage({ recipient: 'friends: ada@example.com, eve@example.com;' }))).to.match(/^recipient must be exactly one/);
  });
});
