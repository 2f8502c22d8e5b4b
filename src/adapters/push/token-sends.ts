import type { Dispatcher } from 'undici';
import type { AccessToken, AccessTokenCache } from './access-token-cache.js';
import type { TokenResult } from './fcm-answer.js';
import { postFcmMessage } from './fcm-request.js';
import { mapBounded } from './map-bounded.js';
import { fcmMessageJson, type PushContent } from './push-payload.js';
import type { TokenVerdicts } from './token-verdicts.js';

/** A recipient's tokens (at most ten) are sent to this many at a time, so one user's devices cannot fill the pool. */
const PARALLEL_TOKENS = 4;

/**
 * One push's requests to FCM, a token each, under one deadline of `timeoutMs` for them all: a
 * request not answered by then is cut (ambiguous if it was written, provider_down if not), and a
 * token whose turn comes later is not sent. Ten tokens, sent in three rounds, thus take no longer
 * than one, and the pool's queue is bounded too.
 */
export class TokenSends {
  constructor(
    private readonly http: Dispatcher,
    private readonly sendUrl: string,
    private readonly tokens: AccessTokenCache,
    private readonly verdicts: TokenVerdicts,
    private readonly timeoutMs: number,
  ) {}

  all(tokens: readonly string[], content: PushContent, accessToken: string): Promise<TokenResult[]> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    return mapBounded(tokens, PARALLEL_TOKENS, (token) => this.sendTo(token, content, accessToken, deadline));
  }

  /** A refused access token (expired early, revoked) is replaced once, shared by every token that met the refusal. */
  private async sendTo(token: string, content: PushContent, accessToken: string, deadline: AbortSignal): Promise<TokenResult> {
    const result = await this.post(token, content, accessToken, deadline);
    if (result.kind !== 'provider_down' || result.accessTokenRefused !== true) return result;
    this.tokens.forget(accessToken);
    const fresh = await beforeDeadline(this.tokens.get(), deadline);
    if (!fresh.ok) return { token, kind: 'provider_down', detail: fresh.error, configurationFault: fresh.configurationFault };
    return this.post(token, content, fresh.accessToken, deadline);
  }

  private async post(token: string, content: PushContent, accessToken: string, signal: AbortSignal): Promise<TokenResult> {
    const answer = await postFcmMessage(this.http, { url: this.sendUrl, accessToken, json: fcmMessageJson(token, content), timeoutMs: this.timeoutMs, signal });
    return this.verdicts.of(token, answer);
  }
}

/** The access token, unless the deadline passes first: a refresh must not stretch the send past it. */
function beforeDeadline(access: Promise<AccessToken>, deadline: AbortSignal): Promise<AccessToken> {
  const passed: AccessToken = { ok: false, error: 'PUSH_TIMEOUT_MS passed while the refused access token was being replaced', configurationFault: false };
  if (deadline.aborted) return Promise.resolve(passed);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(passed);
    deadline.addEventListener('abort', onAbort, { once: true });
    void access.then((token) => {
      deadline.removeEventListener('abort', onAbort);
      resolve(token);
    });
  });
}
