import { expect } from 'chai';
import { readPushSettings } from '../../../src/adapters/push/push-settings.js';
import { readSmsSettings } from '../../../src/adapters/sms/sms-settings.js';
import { EnvReader } from '../../../src/adapters/system/env-reader.js';
import { throwawayServiceAccount, type ThrowawayServiceAccount } from '../../support/service-account-fixture.js';

const SMS = { SMS_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`, SMS_AUTH_TOKEN: 'secret-token', SMS_FROM: '+15005550006' };
const LOOPBACK = ['http://127.0.0.1:4010', 'http://127.8.9.10', 'http://localhost:4010/', 'http://[::1]:4010'];
const PLAIN_HTTP = /must be an https:\/\/ URL: credentials are sent to it \(http:\/\/ is accepted only for a loopback host: 127\.0\.0\.0\/8, ::1, localhost\)$/;

function problems(read: (env: EnvReader) => unknown, env: Record<string, string>): string[] {
  const reader = new EnvReader(env);
  read(reader);
  return reader.problems;
}

describe('SMS and push settings: credentials only over TLS, and a send that fits the delivery core', () => {
  let account: ThrowawayServiceAccount;
  const push = (env: Record<string, string> = {}, tokenUri = 'https://oauth2.googleapis.com/token') => ({
    PUSH_SERVICE_ACCOUNT_JSON: JSON.stringify({ ...account.json, token_uri: tokenUri }),
    ...env,
  });

  before(() => {
    account = throwawayServiceAccount({ tokenUri: 'https://oauth2.googleapis.com/token', projectId: 'acme-app' });
  });

  it('SMS_API_BASE_URL over plain http to another host: refused, naming the variable', () => {
    const found = problems(readSmsSettings, { ...SMS, SMS_API_BASE_URL: 'http://api.twilio.com' });
    expect(found).to.have.lengthOf(1);
    expect(found[0]).to.match(/^SMS_API_BASE_URL /).and.match(PLAIN_HTTP);
  });

  it('PUSH_API_BASE_URL and the key file\'s token_uri over plain http to another host: refused, naming them', () => {
    const baseUrl = problems(readPushSettings, push({ PUSH_API_BASE_URL: 'http://fcm.googleapis.com' }));
    const tokenUri = problems(readPushSettings, push({}, 'http://oauth2.googleapis.com/token'));
    expect([baseUrl.length, tokenUri.length]).to.deep.equal([1, 1]);
    expect(baseUrl[0]).to.match(/^PUSH_API_BASE_URL /).and.match(PLAIN_HTTP);
    expect(tokenUri[0]).to.match(/^PUSH_SERVICE_ACCOUNT_JSON token_uri /).and.match(PLAIN_HTTP);
  });

  it('http to a loopback host, where the local fakes run, is taken for all three', () => {
    for (const url of LOOPBACK) {
      expect(problems(readSmsSettings, { ...SMS, SMS_API_BASE_URL: url }), url).to.deep.equal([]);
      expect(problems(readPushSettings, push({ PUSH_API_BASE_URL: url }, `${url.replace(/\/$/, '')}/token`)), url).to.deep.equal([]);
    }
  });

  it('SMS_TIMEOUT_MS and PUSH_TIMEOUT_MS at most 60 s: a send takes at most two of them, within the 120 s send timeout', () => {
    expect(problems(readSmsSettings, { ...SMS, SMS_TIMEOUT_MS: '60000' })).to.deep.equal([]);
    expect(problems(readPushSettings, push({ PUSH_TIMEOUT_MS: '60000' }))).to.deep.equal([]);
    expect(problems(readSmsSettings, { ...SMS, SMS_TIMEOUT_MS: '60001' })).to.deep.equal(['SMS_TIMEOUT_MS must be an integer from 100 to 60000 (got "60001")']);
    expect(problems(readPushSettings, push({ PUSH_TIMEOUT_MS: '120000' }))).to.deep.equal(['PUSH_TIMEOUT_MS must be an integer from 100 to 60000 (got "120000")']);
  });
});
