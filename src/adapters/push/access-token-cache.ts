/** What the token endpoint answered: a token and its lifetime, or why there is none. */
export type FetchedToken =
  | { readonly ok: true; readonly accessToken: string; readonly expiresInS: number }
  | { readonly ok: false; readonly error: string; readonly configurationFault: boolean };

export type AccessToken = { readonly ok: true; readonly accessToken: string } | Extract<FetchedToken, { ok: false }>;

/** Google's tokens live an hour; one is replaced this long before it expires, so no send carries a dying one. */
const REFRESH_MARGIN_S = 300;

/**
 * Caches the OAuth2 access token. Concurrent callers that find it missing or stale share one
 * refresh (one in-flight promise), so a burst of sends costs the token endpoint one request; a
 * failed refresh is not cached, so the next caller tries again.
 */
export class AccessTokenCache {
  private cached: { readonly accessToken: string; readonly freshUntilMs: number } | null = null;
  private refreshing: Promise<AccessToken> | null = null;

  constructor(
    private readonly fetchToken: () => Promise<FetchedToken>,
    private readonly now: () => number,
  ) {}

  get(): Promise<AccessToken> {
    const cached = this.cached;
    if (cached !== null && this.now() < cached.freshUntilMs) return Promise.resolve({ ok: true, accessToken: cached.accessToken });
    this.refreshing ??= this.refresh();
    return this.refreshing;
  }

  /** FCM refused `accessToken`: forgets it if it is still the cached one, so that many refusals cause one refresh. */
  forget(accessToken: string): void {
    if (this.cached?.accessToken === accessToken) this.cached = null;
  }

  private async refresh(): Promise<AccessToken> {
    try {
      const fetched = await this.fetchToken();
      if (!fetched.ok) return fetched;
      this.cached = { accessToken: fetched.accessToken, freshUntilMs: this.now() + freshForS(fetched.expiresInS) * 1_000 };
      return { ok: true, accessToken: fetched.accessToken };
    } catch (error) {
      // fetchToken answers its failures; a throw is a bug, still not a reason for a send to throw.
      return { ok: false, error: `access token: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300), configurationFault: false };
    } finally {
      this.refreshing = null;
    }
  }
}

/** A token shorter-lived than twice the margin (never seen from Google) is kept for half its life instead. */
function freshForS(expiresInS: number): number {
  return Math.max(expiresInS - REFRESH_MARGIN_S, expiresInS / 2);
}
