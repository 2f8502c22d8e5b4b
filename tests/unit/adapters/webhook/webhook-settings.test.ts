import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { EnvReader } from '../../../../src/adapters/system/env-reader.js';
import { isWebhookSecret, newWebhookSecret, readWebhookSettings } from '../../../../src/adapters/webhook/webhook-settings.js';

function read(env: Record<string, string>) {
  const reader = new EnvReader(env);
  return { settings: readWebhookSettings(reader), problems: reader.problems };
}

describe('readWebhookSettings', () => {
  it('has defaults: no secret, 10 s, private networks refused, 50 connections, 4 sends in flight per endpoint', () => {
    const settings = { signingSecret: undefined, timeoutMs: 10_000, allowPrivateNetworks: false, maxConnections: 50, maxInFlightPerEndpoint: 4 };
    expect(read({})).to.deep.equal({ settings, problems: [] });
  });

  it('reads every variable', () => {
    const secret = newWebhookSecret();
    const env = { WEBHOOK_SIGNING_SECRET: secret, WEBHOOK_TIMEOUT_MS: '2500', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_MAX_CONNECTIONS: '8', WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT: '2' };
    const settings = { signingSecret: secret, timeoutMs: 2_500, allowPrivateNetworks: true, maxConnections: 8, maxInFlightPerEndpoint: 2 };
    expect(read(env)).to.deep.equal({ settings, problems: [] });
  });

  it('refuses a secret that is not whsec_ and base64 of at least 24 bytes, without repeating it', () => {
    for (const bad of ['hunter2-hunter2-hunter2-hunter2', 'whsec_c2hvcnQ=', 'whsec_not base64 at all!!!!!!!!!!!!!!!!!', `whsec_${Buffer.alloc(23).toString('base64')}`]) {
      const { settings, problems } = read({ WEBHOOK_SIGNING_SECRET: bad });
      expect(settings.signingSecret).to.equal(undefined);
      expect(problems).to.deep.equal(['WEBHOOK_SIGNING_SECRET must be whsec_ followed by the base64 of at least 24 random bytes']);
      expect(problems.join(' ')).not.to.include(bad);
    }
  });

  it('refuses a timeout outside 1 to 60 seconds and a flag that is not a boolean', () => {
    expect(read({ WEBHOOK_TIMEOUT_MS: '999' }).problems).to.have.length(1);
    expect(read({ WEBHOOK_TIMEOUT_MS: '60001' }).problems).to.have.length(1);
    expect(read({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'maybe' }).problems).to.have.length(1);
    expect(read({ WEBHOOK_MAX_CONNECTIONS: '0' }).problems).to.have.length(1);
    expect(read({ WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT: '0' }).problems).to.have.length(1);
  });
});

describe('newWebhookSecret', () => {
  it('is whsec_ and the base64 of 32 random bytes, different every time, and the library accepts it', () => {
    const secret = newWebhookSecret();
    expect(secret).to.match(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).to.have.length(32);
    expect(isWebhookSecret(secret)).to.equal(true);
    expect(newWebhookSecret()).not.to.equal(secret);
    expect(() => new Webhook(secret)).not.to.throw();
  });

  it('accepts the reference 24-byte secret', () => {
    expect(isWebhookSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).to.equal(true);
  });
});
