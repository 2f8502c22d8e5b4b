import { expect } from 'chai';
import { HmacFeedTokens, feedToken } from '../../../../src/adapters/realtime/hmac-feed-tokens.js';
import type { ApiKeyScope } from '../../../../src/domain/api-key-scope.js';
import { type StreamAccessDeps, streamAccess } from '../../../../src/entrypoints/ws/stream-access-check.js';

const SECRET = 'feed-signing-secret-0123456789abcdef';
const KEYS: Record<string, { id: string; scopes: readonly ApiKeyScope[] }> = {
  'reader-key': { id: 'key-reader', scopes: ['notifications:read'] },
  'sender-key': { id: 'key-sender', scopes: ['notifications:send'] },
};

function deps(): StreamAccessDeps & { redeemed: string[] } {
  const redeemed: string[] = [];
  return {
    redeemed,
    authenticator: { keyOf: async (key) => KEYS[key] ?? null, liveKeyIds: async (ids) => new Set(ids) },
    tickets: { redeem: async (ticket) => (redeemed.push(ticket), ticket === 'good-ticket' ? 'key-issuer' : null) },
    feedTokens: new HmacFeedTokens(SECRET),
  };
}

const request = (query: string, authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization }, query: new URLSearchParams(query) });

describe('streamAccess (an upgrade request)', () => {
  it('opens the admin stream for a key with notifications:read in the Authorization header, on behalf of that key', async () => {
    expect(await streamAccess(deps(), request('', 'Bearer reader-key'))).to.deep.equal({ granted: true, subscriber: { kind: 'admin', keyId: 'key-reader' } });
  });

  it('refuses an unknown key as 401 and a key without the scope as 403', async () => {
    expect(await streamAccess(deps(), request('', 'Bearer nobody'))).to.deep.equal({ granted: false, status: 401, reason: 'The API key is not valid' });
    expect(await streamAccess(deps(), request('', 'Bearer sender-key'))).to.deep.equal({ granted: false, status: 403, reason: 'The API key lacks the scope notifications:read' });
  });

  it('opens the admin stream for a ticket the store redeems, on behalf of the key that issued it, and refuses any other as 401', async () => {
    const d = deps();
    expect(await streamAccess(d, request('ticket=good-ticket'))).to.deep.equal({ granted: true, subscriber: { kind: 'admin', keyId: 'key-issuer' } });
    expect(await streamAccess(d, request('ticket=used-ticket'))).to.deep.include({ granted: false, status: 401 });
    expect(d.redeemed).to.deep.equal(['good-ticket', 'used-ticket']);
  });

  it('opens a user stream for a user id and its token', async () => {
    const access = await streamAccess(deps(), request(`userid=u-7&token=${feedToken(SECRET, 'u-7')}`));
    expect(access).to.deep.equal({ granted: true, subscriber: { kind: 'user', userId: 'u-7' } });
  });

  it('never takes an API key from the URL', async () => {
    expect(await streamAccess(deps(), request('api_key=reader-key&key=reader-key'))).to.deep.include({ granted: false, status: 401 });
  });
});
