import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { readPushSettings } from '../../../../src/adapters/push/push-settings.js';
import { EnvReader } from '../../../../src/adapters/system/env-reader.js';
import { throwawayServiceAccount, type ServiceAccountJson, type ThrowawayServiceAccount } from '../../../support/service-account-fixture.js';

function read(env: Record<string, string | undefined>) {
  const reader = new EnvReader(env);
  return { settings: readPushSettings(reader), problems: reader.problems };
}

describe('readPushSettings', () => {
  let account: ThrowawayServiceAccount;
  const withJson = (fields: Partial<Record<keyof ServiceAccountJson, unknown>>): string => JSON.stringify({ ...account.json, ...fields });
  /** No problem may quote a line of a key's base64 body, whatever variable held it (the PEM labels are not secret). */
  const expectNoKeyIn = (problems: string[], env: Record<string, string>): void => {
    const keyLines = Object.values(env)
      .flatMap((value) => value.split(/\\n|\n/))
      .filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line));
    expect(keyLines).to.not.be.empty;
    for (const line of keyLines) expect(problems.join(' ')).to.not.contain(line);
  };

  before(() => {
    account = throwawayServiceAccount({ tokenUri: 'https://oauth2.googleapis.com/token', projectId: 'acme-app' });
  });

  it('is undefined, without a problem, when PUSH_SERVICE_ACCOUNT_JSON is unset or blank', () => {
    expect(read({})).to.deep.equal({ settings: undefined, problems: [] });
    expect(read({ PUSH_SERVICE_ACCOUNT_JSON: '  ' })).to.deep.equal({ settings: undefined, problems: [] });
  });

  it('reads the JSON itself, with the defaults', () => {
    const { settings, problems } = read({ PUSH_SERVICE_ACCOUNT_JSON: account.text });
    expect(problems).to.deep.equal([]);
    expect(settings).to.deep.equal({
      serviceAccount: { projectId: 'acme-app', clientEmail: account.json.client_email, privateKey: account.json.private_key, tokenUri: 'https://oauth2.googleapis.com/token' },
      baseUrl: 'https://fcm.googleapis.com',
      timeoutMs: 10_000,
      maxConnections: 10,
    });
  });

  it('reads the file a path names, and the overrides (the base URL without its trailing slash)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'push-settings-'));
    try {
      const path = join(dir, 'service-account.json');
      writeFileSync(path, account.text);
      const env = { PUSH_SERVICE_ACCOUNT_JSON: path, PUSH_API_BASE_URL: 'http://127.0.0.1:9099/', PUSH_TIMEOUT_MS: '2500', PUSH_MAX_CONNECTIONS: '3' };
      const { settings, problems } = read(env);
      expect(problems).to.deep.equal([]);
      expect(settings).to.deep.include({ baseUrl: 'http://127.0.0.1:9099', timeoutMs: 2_500, maxConnections: 3 });
      expect(settings?.serviceAccount.projectId).to.equal('acme-app');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const refusals: ReadonlyArray<[string, () => Record<string, string>, RegExp]> = [
    ['a path that does not exist', () => ({ PUSH_SERVICE_ACCOUNT_JSON: '/nowhere/sa.json', KEY_ELSEWHERE: account.json.private_key }), /^PUSH_SERVICE_ACCOUNT_JSON must be a service-account JSON or the path of its file; cannot read "\/nowhere\/sa.json" \(ENOENT\)$/],
    ['key material that is not JSON', () => ({ PUSH_SERVICE_ACCOUNT_JSON: account.json.private_key }), /cannot read the file it names \((ENAMETOOLONG|ENOENT)\)$/],
    ['broken JSON', () => ({ PUSH_SERVICE_ACCOUNT_JSON: account.text.slice(0, -40) }), /^PUSH_SERVICE_ACCOUNT_JSON is not valid JSON$/],
    ['missing fields', () => ({ PUSH_SERVICE_ACCOUNT_JSON: withJson({ token_uri: undefined, project_id: '' }) }), /^PUSH_SERVICE_ACCOUNT_JSON lacks project_id, token_uri$/],
    ['a PKCS#1 key', () => ({ PUSH_SERVICE_ACCOUNT_JSON: withJson({ private_key: pkcs1Key() }) }), /^PUSH_SERVICE_ACCOUNT_JSON private_key must be a PKCS#8 PEM key/],
    ['an EC key', () => ({ PUSH_SERVICE_ACCOUNT_JSON: withJson({ private_key: ecKey() }) }), /^PUSH_SERVICE_ACCOUNT_JSON private_key must be an RSA key \(got ec\)$/],
    ['a truncated key', () => ({ PUSH_SERVICE_ACCOUNT_JSON: withJson({ private_key: account.json.private_key.slice(0, 300) }) }), /^PUSH_SERVICE_ACCOUNT_JSON private_key cannot be parsed as a private key$/],
    ['a token_uri that is no URL', () => ({ PUSH_SERVICE_ACCOUNT_JSON: withJson({ token_uri: 'oauth2.googleapis.com/token' }) }), /^PUSH_SERVICE_ACCOUNT_JSON token_uri must be an http\(s\) URL$/],
    ['a base URL that is not http(s)', () => ({ PUSH_SERVICE_ACCOUNT_JSON: account.text, PUSH_API_BASE_URL: 'ftp://fcm' }), /^PUSH_API_BASE_URL must be a URL/],
    ['no connection allowed', () => ({ PUSH_SERVICE_ACCOUNT_JSON: account.text, PUSH_MAX_CONNECTIONS: '0' }), /^PUSH_MAX_CONNECTIONS must be an integer/],
  ];
  for (const [name, env, problem] of refusals) {
    it(`${name}: a problem that never quotes the key`, () => {
      const variables = env();
      const { problems } = read(variables);
      expect(problems).to.have.lengthOf(1);
      expect(problems[0]).to.match(problem);
      expectNoKeyIn(problems, variables);
    });
  }
});

function pkcs1Key(): string {
  return generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
}

function ecKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
}
