import { expect } from 'chai';
import { tokenEndpointAnswer } from '../../../../src/adapters/push/token-endpoint-answer.js';

describe('tokenEndpointAnswer: what Google\'s token endpoint said', () => {
  it('200 with access_token and expires_in: the token', () => {
    const body = JSON.stringify({ access_token: 'ya29.abc', expires_in: 3599, token_type: 'Bearer' });
    expect(tokenEndpointAnswer(200, body)).to.deep.equal({ ok: true, accessToken: 'ya29.abc', expiresInS: 3599 });
  });

  const failures: ReadonlyArray<[string, number, string, string, boolean]> = [
    ['400 invalid_grant (a revoked key)', 400, '{"error":"invalid_grant","error_description":"Invalid JWT Signature."}', 'token endpoint refused the service account: 400 invalid_grant: Invalid JWT Signature.', true],
    ['401 invalid_client', 401, '{"error":"invalid_client"}', 'token endpoint refused the service account: 401 invalid_client', true],
    ['403 without a body', 403, '', 'token endpoint refused the service account: 403', true],
    ['429', 429, '{"error":"rate_limit_exceeded"}', 'token endpoint failed: 429 rate_limit_exceeded', false],
    ['503 HTML', 503, '<html>unavailable</html>', 'token endpoint failed: 503', false],
    ['200 without a token', 200, '{"token_type":"Bearer"}', 'token endpoint answered 200 without access_token and expires_in', false],
  ];
  for (const [name, status, body, error, configurationFault] of failures) {
    it(`${name}: ${configurationFault ? 'a configuration fault' : 'down for now'}`, () => {
      expect(tokenEndpointAnswer(status, body)).to.deep.equal({ ok: false, error, configurationFault });
    });
  }
});
