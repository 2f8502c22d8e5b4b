import { expect } from 'chai';
import type { ContactPointsChange } from '../../../src/domain/contact-points.js';
import { EmailAddress } from '../../../src/domain/email-address.js';
import { InvalidValueError, NoWebhookEndpointError } from '../../../src/domain/errors.js';
import { NotificationPreferences, preferenceFlags } from '../../../src/domain/notification-preferences.js';
import { PhoneNumber } from '../../../src/domain/phone-number.js';
import { UserId } from '../../../src/domain/user-id.js';
import { WebhookUrl } from '../../../src/domain/webhook-url.js';
import { NO_DELIVERY_SETTINGS, T0, at } from '../mothers.js';
import { thrown } from '../rejection.js';

const HOOK = 'https://hooks.example.com/notify';

/** Hands out whsec_1, whsec_2, ... and counts how often it was asked. */
function mint() {
  const minted: string[] = [];
  return { minted, mintSecret: () => (minted.push(`whsec_${minted.length + 1}`), `whsec_${minted.length}`) };
}

function withWebhook(url: string, secrets = mint()): ContactPointsChange {
  return { webhookUrl: WebhookUrl.of(url), mintSecret: secrets.mintSecret };
}

function profile(change: ContactPointsChange = {}): NotificationPreferences {
  return NotificationPreferences.create(UserId.of('u-1'), EmailAddress.of('ada@example.com'), preferenceFlags(), T0, null, change);
}

/** A profile as a repository would load it: no events, no secret issued by this instance. */
function loaded(preferences: NotificationPreferences): NotificationPreferences {
  return NotificationPreferences.restore(preferences.snapshot());
}

function replaceContacts(preferences: NotificationPreferences, change: ContactPointsChange, now = at(60)): void {
  preferences.replace(preferences.notificationEmail, preferenceFlags(), now, change);
}

describe('NotificationPreferences contact points', () => {
  it('holds a phone number, push tokens (repeats dropped) and a webhook endpoint, and its event carries them but no secret', () => {
    const secrets = mint();
    const preferences = profile({ phoneNumber: PhoneNumber.of('+15551234567'), pushTokens: ['tok-a', 'tok-b', 'tok-a'], ...withWebhook(HOOK, secrets) });
    expect(preferences.phoneNumber?.value).to.equal('+15551234567');
    expect(preferences.pushTokens).to.deep.equal(['tok-a', 'tok-b']);
    expect(preferences.webhookEndpoint?.url).to.equal(HOOK);
    const [event] = preferences.pullEvents();
    expect(event).to.deep.include({ phoneNumber: '+15551234567', pushTokens: ['tok-a', 'tok-b'], webhookUrl: HOOK, webhookDisabledAt: null });
    expect(JSON.stringify(event)).to.not.include('whsec_');
  });

  it('refuses more than ten push tokens', () => {
    const tokens = Array.from({ length: 11 }, (_, i) => `tok-${i}`);
    const error = thrown(() => profile({ pushTokens: tokens })) as InvalidValueError;
    expect(error).to.be.instanceOf(InvalidValueError);
    expect(error.message).to.equal('push_tokens: must hold at most 10 tokens, got 11');
  });

  it('refuses a phone number that is not E.164', () => {
    for (const raw of ['5551234567', '+0551234567', '+1 555 123 4567', '+1234567890123456']) {
      expect((thrown(() => PhoneNumber.of(raw)) as InvalidValueError).field, raw).to.equal('phone_number');
    }
  });

  describe('the webhook secret', () => {
    it('is minted once, when a URL is first set, and issued by that instance only', () => {
      const secrets = mint();
      const created = profile(withWebhook(HOOK, secrets));
      expect(created.issuedWebhookSecret).to.equal('whsec_1');
      expect(created.webhookEndpoint?.signingSecrets(T0)).to.deep.equal(['whsec_1']);
      const again = loaded(created);
      expect(again.issuedWebhookSecret).to.equal(null);
      replaceContacts(again, withWebhook(HOOK, secrets));
      expect(again.issuedWebhookSecret).to.equal(null);
      expect(again.pullEvents()).to.deep.equal([]);
      expect(secrets.minted).to.deep.equal(['whsec_1']);
    });

    it('is kept when the URL changes, which raises an update', () => {
      const secrets = mint();
      const preferences = loaded(profile(withWebhook(HOOK, secrets)));
      replaceContacts(preferences, withWebhook('https://other.example.com/hook', secrets));
      expect(preferences.issuedWebhookSecret).to.equal(null);
      expect(preferences.webhookEndpoint?.signingSecrets(at(60))).to.deep.equal(['whsec_1']);
      expect(preferences.pullEvents()).to.deep.equal([
        {
          type: 'NotificationPreferencesUpdated',
          userId: 'u-1',
          notificationEmail: 'ada@example.com',
          previousEmail: 'ada@example.com',
          preferences: preferenceFlags(),
          phoneNumber: null,
          pushTokens: [],
          webhookUrl: 'https://other.example.com/hook',
          webhookDisabledAt: null,
          ...NO_DELIVERY_SETTINGS,
        },
      ]);
    });

    it('is dropped with the endpoint when the URL is cleared; a URL set later gets a new one', () => {
      const secrets = mint();
      const preferences = loaded(profile(withWebhook(HOOK, secrets)));
      replaceContacts(preferences, { webhookUrl: null });
      expect(preferences.webhookEndpoint).to.equal(null);
      replaceContacts(preferences, withWebhook(HOOK, secrets));
      expect(preferences.issuedWebhookSecret).to.equal('whsec_2');
    });

    it('rotates: the new one issued once, the previous one still signing for 24 hours', () => {
      const preferences = loaded(profile(withWebhook(HOOK)));
      const rotated = preferences.rotateWebhookSecret('whsec_new', at(0));
      expect(rotated).to.deep.equal({ webhookUrl: HOOK, previousExpiresAt: at(24 * 3600) });
      expect(preferences.issuedWebhookSecret).to.equal('whsec_new');
      const endpoint = loaded(preferences).webhookEndpoint;
      expect(endpoint?.signingSecrets(at(24 * 3600 - 1))).to.deep.equal(['whsec_new', 'whsec_1']);
      expect(endpoint?.signingSecrets(at(24 * 3600))).to.deep.equal(['whsec_new']);
      expect(preferences.pullEvents()).to.deep.equal([]);
    });

    it('rotated twice, signs with the last two only', () => {
      const preferences = loaded(profile(withWebhook(HOOK)));
      preferences.rotateWebhookSecret('whsec_2', at(0));
      preferences.rotateWebhookSecret('whsec_3', at(60));
      expect(preferences.webhookEndpoint?.signingSecrets(at(120))).to.deep.equal(['whsec_3', 'whsec_2']);
    });

    it('cannot be rotated without an endpoint', () => {
      const error = thrown(() => loaded(profile()).rotateWebhookSecret('whsec_x', T0));
      expect(error).to.be.instanceOf(NoWebhookEndpointError);
    });
  });

  describe('what the providers report', () => {
    it('removes push tokens the provider no longer knows, without an event', () => {
      const preferences = loaded(profile({ pushTokens: ['tok-a', 'tok-b', 'tok-c'] }));
      expect(preferences.removePushTokens(['tok-b', 'tok-unknown'])).to.equal(true);
      expect(preferences.pushTokens).to.deep.equal(['tok-a', 'tok-c']);
      expect(preferences.removePushTokens(['tok-b'])).to.equal(false);
      expect(preferences.pullEvents()).to.deep.equal([]);
      expect(preferences.snapshot().updatedAt).to.deep.equal(T0);
    });

    it('disables the webhook only when the URL is still the current one, keeping the first time', () => {
      const preferences = loaded(profile(withWebhook(HOOK)));
      expect(preferences.disableWebhook('https://old.example.com/hook', at(10))).to.equal(false);
      expect(preferences.webhookEndpoint?.enabled).to.equal(true);
      expect(preferences.disableWebhook(HOOK, at(20))).to.equal(true);
      expect(preferences.disableWebhook(HOOK, at(30))).to.equal(false);
      expect(preferences.webhookEndpoint?.disabledAt).to.deep.equal(at(20));
      expect(preferences.pullEvents()).to.deep.equal([]);
    });

    it('re-enables a disabled endpoint when its URL is set again, keeping its secret, with an update', () => {
      const secrets = mint();
      const preferences = loaded(profile(withWebhook(HOOK, secrets)));
      preferences.disableWebhook(HOOK, at(20));
      const disabled = loaded(preferences);
      replaceContacts(disabled, withWebhook(HOOK, secrets));
      expect(disabled.webhookEndpoint?.enabled).to.equal(true);
      expect(disabled.webhookEndpoint?.signingSecrets(at(60))).to.deep.equal(['whsec_1']);
      expect(disabled.issuedWebhookSecret).to.equal(null);
      expect(disabled.pullEvents().map((e) => [e.type, 'webhookDisabledAt' in e ? e.webhookDisabledAt : 'none'])).to.deep.equal([
        ['NotificationPreferencesUpdated', null],
      ]);
    });
  });

  it('keeps the contact points a replace leaves out, and clears those it sets to null or no tokens', () => {
    const preferences = loaded(profile({ phoneNumber: PhoneNumber.of('+15551234567'), pushTokens: ['tok-a'], ...withWebhook(HOOK) }));
    replaceContacts(preferences, {});
    expect(preferences.pullEvents()).to.deep.equal([]);
    replaceContacts(preferences, { phoneNumber: null, pushTokens: [] });
    expect([preferences.phoneNumber, preferences.pushTokens, preferences.webhookEndpoint?.url]).to.deep.equal([null, [], HOOK]);
    expect(preferences.pullEvents().map((e) => e.type)).to.deep.equal(['NotificationPreferencesUpdated']);
  });

  it('restores every contact point from its snapshot', () => {
    const preferences = profile({ phoneNumber: PhoneNumber.of('+4915112345678'), pushTokens: ['tok-a'], ...withWebhook(HOOK) });
    preferences.rotateWebhookSecret('whsec_2', at(5));
    preferences.disableWebhook(HOOK, at(6));
    const snapshot = preferences.snapshot();
    expect(loaded(preferences).snapshot()).to.deep.equal({ ...snapshot, version: snapshot.version + 1 });
    expect(snapshot.webhook).to.deep.equal({ url: HOOK, secret: 'whsec_2', previousSecret: 'whsec_1', previousExpiresAt: at(5 + 24 * 3600), disabledAt: at(6) });
  });
});

describe('WebhookUrl', () => {
  it('accepts http and https URLs, as the URL parser writes them', () => {
    expect(WebhookUrl.of(HOOK).value).to.equal(HOOK);
    expect(WebhookUrl.of('HTTP://Example.COM').value).to.equal('http://example.com/');
    expect(WebhookUrl.of(`https://example.com/${'a'.repeat(2000)}`).value).to.have.lengthOf(2020);
  });

  it('refuses other schemes, credentials, spaces and control characters, and more than 2,048 characters', () => {
    const refused: Array<[unknown, string]> = [
      ['ftp://example.com/x', 'must be an http:// or https:// URL'],
      ['not a url', 'must not contain spaces or control characters'],
      ['example.com/hook', 'must be an http:// or https:// URL'],
      ['https://user:pw@example.com/hook', 'must not hold credentials (user:password@)'],
      ['https://token@example.com/hook', 'must not hold credentials (user:password@)'],
      ['https://example.com/a\nb', 'must not contain spaces or control characters'],
      [`https://example.com/${'a'.repeat(2030)}`, 'must be at most 2048 characters'],
      [42, 'must be a string'],
    ];
    for (const [raw, reason] of refused) {
      const error = thrown(() => WebhookUrl.of(raw)) as InvalidValueError;
      expect([error.field, error.reason], String(raw)).to.deep.equal(['webhook_url', reason]);
    }
  });
});
