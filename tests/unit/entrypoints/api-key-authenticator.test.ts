import { expect } from 'chai';
import { API_KEY_SCOPES } from '../../../src/domain/api-key-scope.js';
import { fakeContainer, TEST_ADMIN_KEY } from '../../support/test-container.js';

describe('BootstrapAwareAuthenticator', () => {
  it('gives the bootstrap key every scope', async () => {
    const { app } = fakeContainer();
    expect(await app.get('authenticator').scopesOf(TEST_ADMIN_KEY)).to.deep.equal([...API_KEY_SCOPES]);
  });

  it('gives a created key exactly its scopes', async () => {
    const { app, bus } = fakeContainer();
    const { key } = await bus.handle({ type: 'CreateApiKey', name: 'reader', scopes: ['preferences:read', 'notifications:read'] });
    expect(await app.get('authenticator').scopesOf(key)).to.deep.equal(['preferences:read', 'notifications:read']);
  });

  it('knows no revoked key', async () => {
    const { app, bus } = fakeContainer();
    const { id, key } = await bus.handle({ type: 'CreateApiKey', name: 'reader', scopes: ['preferences:read'] });
    await bus.handle({ type: 'RevokeApiKey', apiKeyId: id });
    expect(await app.get('authenticator').scopesOf(key)).to.equal(null);
  });

  it('knows no unknown key, not even one close to the bootstrap key', async () => {
    const { app } = fakeContainer();
    const authenticator = app.get('authenticator');
    const answers = await Promise.all(['nsk_unknown', '', `${TEST_ADMIN_KEY} `, TEST_ADMIN_KEY.toUpperCase()].map((k) => authenticator.scopesOf(k)));
    expect(answers).to.deep.equal([null, null, null, null]);
  });
});
