import { expect } from 'chai';
import { API_KEY_SCOPES } from '../../../src/domain/api-key-scope.js';
import { BOOTSTRAP_KEY_ID } from '../../../src/entrypoints/api-key-authenticator.js';
import { fakeContainer, TEST_ADMIN_KEY } from '../../support/test-container.js';

describe('BootstrapAwareAuthenticator', () => {
  it('gives the bootstrap key every scope, under the id bootstrap', async () => {
    const { app } = fakeContainer();
    expect(await app.get('authenticator').keyOf(TEST_ADMIN_KEY)).to.deep.equal({ id: BOOTSTRAP_KEY_ID, scopes: [...API_KEY_SCOPES] });
  });

  it('gives a created key its id and exactly its scopes', async () => {
    const { app, bus } = fakeContainer();
    const { id, key } = await bus.handle({ type: 'CreateApiKey', name: 'reader', scopes: ['preferences:read', 'notifications:read'] });
    expect(await app.get('authenticator').keyOf(key)).to.deep.equal({ id, scopes: ['preferences:read', 'notifications:read'] });
  });

  it('knows no revoked key', async () => {
    const { app, bus } = fakeContainer();
    const { id, key } = await bus.handle({ type: 'CreateApiKey', name: 'reader', scopes: ['preferences:read'] });
    await bus.handle({ type: 'RevokeApiKey', apiKeyId: id });
    expect(await app.get('authenticator').keyOf(key)).to.equal(null);
  });

  it('knows no unknown key, not even one close to the bootstrap key', async () => {
    const { app } = fakeContainer();
    const authenticator = app.get('authenticator');
    const answers = await Promise.all(['nsk_unknown', '', `${TEST_ADMIN_KEY} `, TEST_ADMIN_KEY.toUpperCase()].map((k) => authenticator.keyOf(k)));
    expect(answers).to.deep.equal([null, null, null, null]);
  });

  it('tells which keys are still live: the bootstrap key always, a revoked key no more', async () => {
    const { app, bus } = fakeContainer();
    const kept = await bus.handle({ type: 'CreateApiKey', name: 'kept', scopes: ['notifications:read'] });
    const revoked = await bus.handle({ type: 'CreateApiKey', name: 'revoked', scopes: ['notifications:read'] });
    await bus.handle({ type: 'RevokeApiKey', apiKeyId: revoked.id });
    const live = await app.get('authenticator').liveKeyIds([BOOTSTRAP_KEY_ID, kept.id, revoked.id]);
    expect([...live].sort()).to.deep.equal([BOOTSTRAP_KEY_ID, kept.id].sort());
  });
});
