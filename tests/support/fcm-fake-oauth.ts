import { randomBytes } from 'node:crypto';
import { importSPKI, jwtVerify, type CryptoKey } from 'jose';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const MAX_ASSERTION_LIFETIME_S = 3_600;

export interface OAuthAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * The fake's token endpoint (RFC 7523, as Google answers it): verifies the assertion's RS256
 * signature against the service account's public key and its iss, aud, scope, iat and exp claims,
 * then issues an opaque access token the messages endpoint accepts until it expires. Refusals are
 * Google's `{error, error_description}`.
 */
export class FakeOAuth {
  /** Access token → expiry (ms since the epoch). */
  private readonly issued = new Map<string, number>();
  private key: Promise<CryptoKey> | null = null;

  constructor(
    private readonly account: { readonly clientEmail: string; readonly tokenUri: string; readonly publicKeyPem: string },
    readonly lifetimeS: number,
  ) {}

  async exchange(form: URLSearchParams): Promise<OAuthAnswer> {
    if (form.get('grant_type') !== JWT_BEARER) return refusal('unsupported_grant_type', `Invalid grant_type: ${form.get('grant_type') ?? ''}`);
    const assertion = form.get('assertion') ?? '';
    this.key ??= importSPKI(this.account.publicKeyPem, 'RS256');
    try {
      const { payload } = await jwtVerify(assertion, await this.key, {
        algorithms: ['RS256'],
        issuer: this.account.clientEmail,
        audience: this.account.tokenUri,
        requiredClaims: ['iat', 'exp', 'scope'],
      });
      if (typeof payload.scope !== 'string' || !payload.scope.split(' ').includes(FCM_SCOPE)) return refusal('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
      if ((payload.exp ?? 0) - (payload.iat ?? 0) > MAX_ASSERTION_LIFETIME_S) return refusal('invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes)');
    } catch (error) {
      const signature = (error as { code?: unknown }).code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED';
      return refusal('invalid_grant', signature ? 'Invalid JWT Signature.' : `Invalid JWT: ${(error as Error).message}`);
    }
    const accessToken = `ya29.fake-${randomBytes(24).toString('base64url')}`;
    this.issued.set(accessToken, Date.now() + this.lifetimeS * 1_000);
    return { status: 200, body: { access_token: accessToken, expires_in: this.lifetimeS, token_type: 'Bearer' } };
  }

  /** Whether an `Authorization` header carries a token issued here and not yet expired. */
  authorises(header: string | undefined): boolean {
    const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
    const expiresAt = token === undefined ? undefined : this.issued.get(token);
    return expiresAt !== undefined && Date.now() < expiresAt;
  }

  /** Every token issued so far is refused from now on (revoked, or the fake restarted). */
  revokeAll(): void {
    this.issued.clear();
  }
}

function refusal(error: string, description: string): OAuthAnswer {
  return { status: 400, body: { error, error_description: description } };
}
