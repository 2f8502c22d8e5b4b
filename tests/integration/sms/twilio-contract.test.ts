import { expect } from 'chai';
import type { SmsSettings } from '../../../src/adapters/sms/sms-settings.js';
import { TwilioSmsSender } from '../../../src/adapters/sms/twilio-sms-sender.js';
import { TwilioFake } from '../../support/twilio-fake.js';
import { anSms, flagsOf, settingsFor } from './sms-fixtures.js';

/*
 * The same cases against the fake and, when Twilio test credentials are given
 * (SMS_CONTRACT_ACCOUNT_SID, SMS_CONTRACT_AUTH_TOKEN), against Twilio itself: its magic numbers
 * answer each error for real, nothing is sent and nothing is charged. A difference between the
 * two runs is a fake that no longer speaks Twilio.
 */
const VALID_FROM = '+15005550006';
const ANY_TO = '+14155550100';
const down = (configurationFault: boolean) => ({ kind: 'provider_down', attempted: true, configurationFault });

const CASES: ReadonlyArray<[string, { to?: string; from?: string; token?: string }, Record<string, unknown>, number | null]> = [
  ['a valid sender and recipient: accepted', {}, { kind: 'accepted' }, null],
  ['To +15005550001 (invalid number): permanent', { to: '+15005550001' }, { kind: 'permanent' }, 21211],
  ['To +15005550002 (not reachable by SMS): permanent', { to: '+15005550002' }, { kind: 'permanent' }, 21612],
  ['To +15005550003 (region not enabled): permanent', { to: '+15005550003' }, { kind: 'permanent' }, 21408],
  ['To +15005550004 (blocked, STOP): permanent, opted out', { to: '+15005550004' }, { kind: 'permanent' }, 21610],
  ['To +15005550009 (cannot receive SMS): permanent', { to: '+15005550009' }, { kind: 'permanent' }, 21614],
  ['From +15005550001 (invalid sender): configuration fault', { from: '+15005550001' }, down(true), 21212],
  ['From +15005550007 (not message-capable for this destination): permanent', { from: '+15005550007' }, { kind: 'permanent' }, 21606],
  ['From +15005550008 (sender queue full): provider_down', { from: '+15005550008' }, down(false), 21611],
  ['a wrong auth token: configuration fault', { token: 'ffffffffffffffffffffffffffffffff' }, down(true), 20003],
];

type SettingsFor = (overrides: Partial<SmsSettings>) => SmsSettings;

interface Target {
  readonly name: string;
  start(): Promise<{ readonly settings: SettingsFor; readonly stop: () => Promise<void> }>;
}

const FAKE: Target = {
  name: 'the Twilio fake',
  async start() {
    const twilio = await TwilioFake.start();
    return { settings: (overrides) => settingsFor(twilio, overrides), stop: () => twilio.close() };
  },
};

function twilioWithTestCredentials(): Target | null {
  const accountSid = process.env.SMS_CONTRACT_ACCOUNT_SID;
  const authToken = process.env.SMS_CONTRACT_AUTH_TOKEN;
  if (!accountSid || !authToken) return null;
  const baseUrl = process.env.SMS_CONTRACT_API_BASE_URL ?? 'https://api.twilio.com';
  const settings: SettingsFor = (overrides) => ({
    accountSid, authToken, from: VALID_FROM, messagingServiceSid: undefined, baseUrl, statusCallbackUrl: undefined,
    connectTimeoutMs: 10_000, responseTimeoutMs: 15_000, maxConnections: 2, ...overrides,
  });
  return { name: 'Twilio with test credentials', start: async () => ({ settings, stop: async () => undefined }) };
}

for (const target of [FAKE, twilioWithTestCredentials()].filter((t): t is Target => t !== null)) {
  describe(`Twilio contract: ${target.name}`, () => {
    let settings: SettingsFor;
    let stop: () => Promise<void> = async () => undefined;
    before(async () => ({ settings, stop } = await target.start()));
    after(() => stop());

    for (const [title, given, expected, code] of CASES) {
      it(title, async () => {
        const sender = new TwilioSmsSender(settings({ from: given.from ?? VALID_FROM, ...(given.token ? { authToken: given.token } : {}) }));
        const message = anSms('contract check', { recipient: given.to ?? ANY_TO });
        const outcome = await sender.send(message).finally(() => sender.close());

        expect(flagsOf(outcome)).to.deep.equal(expected);
        if (code !== null) expect(outcome.response).to.match(new RegExp(`^\\d{3} ${code}\\b`));
        if (code === 21610) expect(outcome).to.have.deep.property('rejected', [{ address: message.recipient, reason: 'opted_out' }]);
      });
    }
  });
}
