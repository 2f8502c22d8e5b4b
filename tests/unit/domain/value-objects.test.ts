import { expect } from 'chai';
import { ApiKeyScope } from '../../../src/domain/api-key-scope.js';
import { EmailAddress } from '../../../src/domain/email-address.js';
import { InvalidValueError } from '../../../src/domain/errors.js';
import { preferenceFlags } from '../../../src/domain/notification-preferences.js';
import { BUILT_IN_TYPES, NotificationType } from '../../../src/domain/notification-type.js';
import { UserId } from '../../../src/domain/user-id.js';
import { thrown } from '../rejection.js';

function invalidField(call: () => unknown): string {
  const error = thrown(call);
  expect(error).to.be.instanceOf(InvalidValueError);
  return (error as InvalidValueError).field;
}

describe('UserId', () => {
  it('keeps a 32-hex id as it is', () => {
    expect(UserId.of('5f2b9c1e8a7d4e3f9b6c1a2d3e4f5a6b').value).to.equal('5f2b9c1e8a7d4e3f9b6c1a2d3e4f5a6b');
  });

  it('accepts an integer and stringifies it', () => {
    expect(UserId.of(42).value).to.equal('42');
  });

  it('accepts 1 and 128 characters, counting code points', () => {
    expect(UserId.of('x').value).to.equal('x');
    expect(UserId.of('a'.repeat(128)).value).to.have.lengthOf(128);
    expect([...UserId.of('é'.repeat(128)).value]).to.have.lengthOf(128);
  });

  it('refuses empty, too long, blank and non-string values naming the userid field or the given one', () => {
    for (const raw of ['', 'a'.repeat(129), '   ', '\u00a0', 1.5, null, undefined, {}]) {
      expect(invalidField(() => UserId.of(raw)), JSON.stringify(raw)).to.equal('userid');
    }
    expect(invalidField(() => UserId.of('', 'path.userid'))).to.equal('path.userid');
  });

  it('refuses control characters, CR and LF', () => {
    for (const raw of ['a\rb', 'a\nb', 'a\u0000b', 'a\tb', 'a\u200bb']) {
      const error = thrown(() => UserId.of(raw)) as InvalidValueError;
      expect(error).to.be.instanceOf(InvalidValueError);
      expect(error.message).to.equal('userid: must contain printable characters only');
    }
  });

  it('compares by value', () => {
    expect(UserId.of('42').equals(UserId.of(42))).to.equal(true);
    expect(UserId.of('42').equals(UserId.of('43'))).to.equal(false);
  });
});

describe('EmailAddress', () => {
  it('accepts plain, plus-tagged, quoted and subdomain addresses', () => {
    const valid = [
      'ada@example.com',
      'ada+newsletter@example.com',
      '"ada lovelace"@example.com',
      '"a\\"b"@example.com',
      'first.last@mail.eu.example.co.uk',
      "o'brien@example.com",
    ];
    expect(valid.map((raw) => EmailAddress.of(raw).value)).to.deep.equal(valid);
  });

  it('lower-cases the domain and keeps the local part as written', () => {
    expect(EmailAddress.of('Ada.Lovelace@Example.COM').value).to.equal('Ada.Lovelace@example.com');
  });

  it('treats addresses differing only in domain case as equal', () => {
    expect(EmailAddress.of('ada@EXAMPLE.com').equals(EmailAddress.of('ada@example.com'))).to.equal(true);
    expect(EmailAddress.of('Ada@example.com').equals(EmailAddress.of('ada@example.com'))).to.equal(false);
  });

  it('refuses CR, LF and header-injection strings', () => {
    for (const raw of ['a@example.com\r\nBcc: x@y.z', 'a@example.com\nBcc: x@y.z', 'a\r@example.com']) {
      const error = thrown(() => EmailAddress.of(raw, 'notification_email')) as InvalidValueError;
      expect(error).to.be.instanceOf(InvalidValueError);
      expect(error.field).to.equal('notification_email');
      expect(error.message).to.equal('notification_email: must not contain CR or LF');
    }
  });

  it('refuses malformed addresses and non-strings', () => {
    const malformed = [
      'ada.example.com',
      'ada @example.com',
      'ada@exa mple.com',
      'a@b@c',
      'ada@-example.com',
      'ada@example-.com',
      'ada@example.com.',
      '.ada@example.com',
      'a..b@example.com',
      '@example.com',
      'ada@',
      ' ada@example.com',
      'ada@example.com Bcc: x@y.z',
    ];
    for (const raw of malformed) expect(invalidField(() => EmailAddress.of(raw)), raw).to.equal('email');
    expect(invalidField(() => EmailAddress.of(42, 'notification_email'))).to.equal('notification_email');
  });

  it('accepts a 64-character local part and refuses a 65-character one', () => {
    expect(EmailAddress.of(`${'a'.repeat(64)}@example.com`).value).to.have.lengthOf(76);
    expect(invalidField(() => EmailAddress.of(`${'a'.repeat(65)}@example.com`))).to.equal('email');
  });

  it('accepts a 254-character address and refuses a 255-character one', () => {
    const domain = (last: string) => `${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(61)}.${last}`;
    const longest = `${'a'.repeat(64)}@${domain('com')}`;
    expect(longest).to.have.lengthOf(254);
    expect(EmailAddress.of(longest).value).to.equal(longest);
    const error = thrown(() => EmailAddress.of(`${'a'.repeat(64)}@${domain('info')}`)) as InvalidValueError;
    expect(error.message).to.equal('email: must be at most 254 characters');
  });
});

describe('NotificationType', () => {
  it('accepts every built-in type and any well-formed template key', () => {
    expect(BUILT_IN_TYPES.map((type) => NotificationType.of(type))).to.deep.equal([...BUILT_IN_TYPES]);
    expect(NotificationType.of('newsletter.weekly-v2')).to.equal('newsletter.weekly-v2');
  });

  it('refuses a malformed key, naming notification_type or the given field', () => {
    expect(invalidField(() => NotificationType.of('Welcome'))).to.equal('notification_type');
    expect(invalidField(() => NotificationType.of('a b', 'type'))).to.equal('type');
    expect(invalidField(() => NotificationType.of('x'.repeat(65)))).to.equal('notification_type');
    expect(NotificationType.isBuiltIn('constructor')).to.equal(false);
    expect(NotificationType.isBuiltIn('newsletter')).to.equal(false);
  });
});

describe('ApiKeyScope', () => {
  it('accepts a known scope', () => {
    expect(ApiKeyScope.of('preferences:read')).to.equal('preferences:read');
  });

  it('refuses an unknown scope naming scopes or the given field', () => {
    expect(invalidField(() => ApiKeyScope.of('root'))).to.equal('scopes');
    expect(invalidField(() => ApiKeyScope.of(7, 'scopes.2'))).to.equal('scopes.2');
  });
});

describe('preferenceFlags', () => {
  it('turns every type on by default', () => {
    expect(preferenceFlags()).to.deep.equal({
      email_verification: true,
      password_reset: true,
      welcome: true,
      security_alert: true,
      order_confirmation: true,
      order_status_update: true,
    });
  });

  it('turns off only the types given as false', () => {
    const flags = preferenceFlags({ welcome: false, security_alert: true });
    expect(Object.entries(flags).filter(([, on]) => !on)).to.deep.equal([['welcome', false]]);
  });

  it('refuses an unknown key naming preferences.<key>', () => {
    expect(invalidField(() => preferenceFlags({ nope: true }))).to.equal('preferences.nope');
    expect(invalidField(() => preferenceFlags(JSON.parse('{"__proto__": false}') as Record<string, unknown>))).to.equal(
      'preferences.__proto__',
    );
  });

  it('refuses a non-boolean value naming its key', () => {
    const error = thrown(() => preferenceFlags({ welcome: 'false' })) as InvalidValueError;
    expect(error).to.be.instanceOf(InvalidValueError);
    expect(error.field).to.equal('preferences.welcome');
    expect(error.message).to.equal('preferences.welcome: must be true or false');
  });
});
