import { expect } from 'chai';
import { readSmsSettings } from '../../../../src/adapters/sms/sms-settings.js';
import { EnvReader } from '../../../../src/adapters/system/env-reader.js';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const MG = `MG${'0123456789abcdef'.repeat(2)}`;
const MINIMAL = { SMS_ACCOUNT_SID: SID, SMS_AUTH_TOKEN: 'secret-token', SMS_FROM: '+15005550006' };

function read(env: Record<string, string>): { settings: ReturnType<typeof readSmsSettings>; problems: string[] } {
  const reader = new EnvReader(env);
  return { settings: readSmsSettings(reader), problems: reader.problems };
}

describe('readSmsSettings', () => {
  it('is undefined, without a problem, when SMS is not configured', () => {
    expect(read({ SMS_API_BASE_URL: 'http://127.0.0.1:4010' })).to.deep.equal({ settings: undefined, problems: [] });
  });

  it('reads the minimal settings, with the defaults', () => {
    expect(read(MINIMAL)).to.deep.equal({
      settings: {
        accountSid: SID,
        authToken: 'secret-token',
        from: '+15005550006',
        messagingServiceSid: undefined,
        baseUrl: 'https://api.twilio.com',
        statusCallbackUrl: undefined,
        connectTimeoutMs: 10_000,
        responseTimeoutMs: 10_000,
        maxConnections: 10,
      },
      problems: [],
    });
  });

  it('reads every variable, a base URL with a trailing slash and a Messaging Service instead of a From', () => {
    const { settings, problems } = read({
      SMS_ACCOUNT_SID: SID, SMS_AUTH_TOKEN: 'secret-token', SMS_MESSAGING_SERVICE_SID: MG, SMS_API_BASE_URL: 'http://127.0.0.1:4010/',
      SMS_STATUS_CALLBACK_URL: 'https://notify.example.com/providers/sms/status', SMS_TIMEOUT_MS: '2500', SMS_MAX_CONNECTIONS: '4',
    });
    expect(problems).to.deep.equal([]);
    expect(settings).to.include({ from: undefined, messagingServiceSid: MG, baseUrl: 'http://127.0.0.1:4010', statusCallbackUrl: 'https://notify.example.com/providers/sms/status' });
    expect(settings).to.include({ connectTimeoutMs: 2_500, responseTimeoutMs: 2_500, maxConnections: 4 });
  });

  it('takes an alphanumeric sender id or a short code as SMS_FROM', () => {
    for (const from of ['Acme', 'Acme Shop 1', '12345', '123456']) expect(read({ ...MINIMAL, SMS_FROM: from }).problems, from).to.deep.equal([]);
  });

  const WRONG: ReadonlyArray<[string, Record<string, string>, RegExp]> = [
    ['a SID without a token', { SMS_ACCOUNT_SID: SID, SMS_FROM: '+15005550006' }, /^SMS_AUTH_TOKEN is required when SMS_ACCOUNT_SID is set$/],
    ['a token without a SID', { SMS_AUTH_TOKEN: 'secret-token', SMS_FROM: '+15005550006' }, /^SMS_ACCOUNT_SID is required when SMS_AUTH_TOKEN is set$/],
    ['a SID that is not AC and 32 characters', { ...MINIMAL, SMS_ACCOUNT_SID: 'AC123' }, /^SMS_ACCOUNT_SID must be AC followed by 32 letters or digits$/],
    ['a SID of another kind', { ...MINIMAL, SMS_ACCOUNT_SID: MG }, /^SMS_ACCOUNT_SID must be AC/],
    ['neither a From nor a Messaging Service', { SMS_ACCOUNT_SID: SID, SMS_AUTH_TOKEN: 'secret-token' }, /^SMS_FROM or SMS_MESSAGING_SERVICE_SID is required/],
    ['a From that is neither E.164 nor a sender id', { ...MINIMAL, SMS_FROM: '0151 1234567' }, /^SMS_FROM must be an E\.164 number/],
    ['an alphanumeric sender id over 11 characters', { ...MINIMAL, SMS_FROM: 'AcmeShopping' }, /^SMS_FROM must be/],
    ['a Messaging Service SID that is not MG', { ...MINIMAL, SMS_MESSAGING_SERVICE_SID: SID }, /^SMS_MESSAGING_SERVICE_SID must be MG followed by 32 letters or digits$/],
    ['a base URL that is not http(s)', { ...MINIMAL, SMS_API_BASE_URL: 'ftp://api.twilio.com' }, /^SMS_API_BASE_URL must be a URL starting with https:\/\/ or http:\/\/$/],
    ['a status callback URL that is not a URL', { ...MINIMAL, SMS_STATUS_CALLBACK_URL: 'example.com/status' }, /^SMS_STATUS_CALLBACK_URL must be a URL/],
    ['a timeout that is not a number', { ...MINIMAL, SMS_TIMEOUT_MS: '10s' }, /^SMS_TIMEOUT_MS must be an integer from 100 to 60000 /],
    ['no connections at all', { ...MINIMAL, SMS_MAX_CONNECTIONS: '0' }, /^SMS_MAX_CONNECTIONS must be an integer from 1 to 1000/],
    ['a From with no credentials', { SMS_FROM: '+15005550006' }, /^SMS_FROM is set but SMS_ACCOUNT_SID and SMS_AUTH_TOKEN are not/],
    ['a Messaging Service with no credentials', { SMS_MESSAGING_SERVICE_SID: MG }, /^SMS_MESSAGING_SERVICE_SID is set but SMS_ACCOUNT_SID and SMS_AUTH_TOKEN are not/],
  ];
  for (const [name, env, problem] of WRONG) {
    it(`${name}: undefined, and one problem naming the variable`, () => {
      const { settings, problems } = read(env);
      expect(settings).to.equal(undefined);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(problem);
    });
  }

  it('never repeats the auth token in a problem', () => {
    const { problems } = read({ SMS_AUTH_TOKEN: 'super-secret-token-value', SMS_ACCOUNT_SID: 'nope' });
    expect(problems.join(' ')).not.to.include('super-secret-token-value');
  });
});
