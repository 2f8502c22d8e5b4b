import type { FetchedToken } from './access-token-cache.js';

const MAX_TEXT = 200;

/*
 * What Google's token endpoint (RFC 6749 section 5, RFC 7523) answered for a JWT assertion:
 *
 *   200 {access_token, expires_in, token_type: 'Bearer'}   the token
 *   400 {error: 'invalid_grant', error_description: 'Invalid JWT Signature.'}, 401 invalid_client,
 *   403: the service account is refused (a revoked or deleted key, a wrong client_email, a clock
 *        too far off): only the operator can fix it, and every push would fail the same way, so a
 *        configuration fault (the health report shows it)
 *   429, 5xx, anything else: the endpoint is down for now
 */
export function tokenEndpointAnswer(status: number, body: string): FetchedToken {
  const json = parseObject(body);
  if (status === 200) {
    const { access_token: accessToken, expires_in: expiresIn } = json;
    if (typeof accessToken === 'string' && accessToken !== '' && typeof expiresIn === 'number' && expiresIn > 0) {
      return { ok: true, accessToken, expiresInS: expiresIn };
    }
    return { ok: false, error: 'token endpoint answered 200 without access_token and expires_in', configurationFault: false };
  }
  const refused = status === 400 || status === 401 || status === 403;
  const reason = [json.error, json.error_description].filter((part) => typeof part === 'string').join(': ').slice(0, MAX_TEXT);
  const what = refused ? 'token endpoint refused the service account' : 'token endpoint failed';
  return { ok: false, error: `${what}: ${status}${reason === '' ? '' : ` ${reason}`}`, configurationFault: refused };
}

function parseObject(body: string): Record<string, unknown> {
  try {
    const json: unknown = JSON.parse(body);
    return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
