import { importPKCS8, SignJWT, type CryptoKey } from 'jose';
import { request, type Dispatcher } from 'undici';
import type { FetchedToken } from './access-token-cache.js';
import { readCappedBody } from './capped-body.js';
import { describeNetworkError } from './network-error.js';
import type { ServiceAccount } from './service-account.js';
import { tokenEndpointAnswer } from './token-endpoint-answer.js';

export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** The longest lifetime Google accepts for the assertion. */
const ASSERTION_LIFETIME_S = 3_600;

/**
 * Fetches an OAuth2 access token for a service account (Google's "two-legged" flow, RFC 7523): a
 * JWT signed RS256 with the account's key is exchanged at its token_uri. Never throws; the key and
 * the tokens never appear in the errors.
 */
export class ServiceAccountTokenSource {
  private key: Promise<CryptoKey> | null = null;

  constructor(
    private readonly account: ServiceAccount,
    private readonly http: Dispatcher,
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {}

  async fetch(): Promise<FetchedToken> {
    let assertion: string;
    try {
      assertion = await this.assertion();
    } catch {
      return { ok: false, error: 'cannot sign the service-account JWT with its private_key', configurationFault: true };
    }
    try {
      const response = await request(this.account.tokenUri, {
        dispatcher: this.http,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: JWT_BEARER, assertion }).toString(),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        // The whole exchange, the wait for a pooled connection and the answer's body included.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const { text } = await readCappedBody(response.body, this.timeoutMs);
      return tokenEndpointAnswer(response.statusCode, text);
    } catch (error) {
      return { ok: false, error: `token endpoint unreachable: ${describeNetworkError(error)}`, configurationFault: false };
    }
  }

  private async assertion(): Promise<string> {
    this.key ??= importPKCS8(this.account.privateKey, 'RS256');
    const issuedAt = Math.floor(this.now() / 1_000);
    return new SignJWT({ scope: FCM_SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(this.account.clientEmail)
      .setAudience(this.account.tokenUri)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ASSERTION_LIFETIME_S)
      .sign(await this.key);
  }
}
