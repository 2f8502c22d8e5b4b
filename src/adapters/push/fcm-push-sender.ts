import { Agent } from 'undici';
import type { ChannelSender, OutgoingMessage } from '../../application/ports/channel-sender.js';
import type { SendOutcome } from '../../domain/send-outcome.js';
import { AccessTokenCache } from './access-token-cache.js';
import type { TokenResult } from './fcm-answer.js';
import { postFcmMessage } from './fcm-request.js';
import { mapBounded } from './map-bounded.js';
import { pushOutcome } from './push-outcome.js';
import { fcmMessageJson, pushOf, type PushContent } from './push-payload.js';
import type { PushSettings } from './push-settings.js';
import { ServiceAccountTokenSource } from './service-account-token.js';
import { TokenVerdicts } from './token-verdicts.js';

/** A recipient's tokens (at most ten) are sent to this many at a time, so one user's devices cannot fill the pool. */
const PARALLEL_TOKENS = 4;
const CLOSED: SendOutcome = { kind: 'provider_down', error: 'push sender is closed', response: null, attempted: false, configurationFault: false };

/**
 * Firebase Cloud Messaging HTTP v1: one request per device token, authorised by a cached OAuth2
 * access token of the service account; nothing connects before the first send. FCM has no
 * idempotency key: a resend after ambiguous may show the notification twice on that device. No
 * answer in time after writing stays ambiguous only while few in a row, then FCM is taken as down
 * and the breaker opens, rather than every push using its attempts (silent-provider-watch.ts).
 */
export class FcmPushSender implements ChannelSender {
  readonly channel = 'push' as const;
  private readonly http: Agent;
  private readonly tokens: AccessTokenCache;
  private readonly sendUrl: string;
  private readonly verdicts = new TokenVerdicts();
  private closed = false;

  constructor(private readonly settings: PushSettings, now: () => number = Date.now) {
    const { timeoutMs, maxConnections, serviceAccount, baseUrl } = settings;
    this.http = new Agent({ connections: maxConnections, connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const source = new ServiceAccountTokenSource(serviceAccount, this.http, timeoutMs, now);
    this.tokens = new AccessTokenCache(() => source.fetch(), now);
    this.sendUrl = `${baseUrl}/v1/projects/${encodeURIComponent(serviceAccount.projectId)}/messages:send`;
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const push = pushOf(message);
    if ('refusal' in push) return { kind: 'permanent', error: push.refusal, response: null };
    if (this.closed) return CLOSED;
    const access = await this.tokens.get();
    if (!access.ok) return { kind: 'provider_down', error: access.error, response: null, attempted: true, configurationFault: access.configurationFault };
    if (this.closed) return CLOSED;
    const results = await mapBounded(push.tokens, PARALLEL_TOKENS, (token) => this.sendTo(token, push.content, access.accessToken));
    return pushOutcome(results);
  }

  /** Obtains an access token (from the cache when fresh): the credentials and the token endpoint work. */
  async verify(): Promise<{ ok: true } | { ok: false; error: string }> {
    if (this.closed) return { ok: false, error: 'push sender is closed' };
    const access = await this.tokens.get();
    return access.ok ? { ok: true } : { ok: false, error: access.error };
  }

  /** Later sends answer provider_down without sending; requests in flight finish first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.http.close();
  }

  /** A refused access token (expired early, revoked) is replaced once, shared by every token that met the refusal. */
  private async sendTo(token: string, content: PushContent, accessToken: string): Promise<TokenResult> {
    const result = await this.post(token, content, accessToken);
    if (result.kind !== 'provider_down' || result.accessTokenRefused !== true) return result;
    this.tokens.forget(accessToken);
    const fresh = await this.tokens.get();
    if (!fresh.ok) return { token, kind: 'provider_down', detail: fresh.error, configurationFault: fresh.configurationFault };
    return this.post(token, content, fresh.accessToken);
  }

  private async post(token: string, content: PushContent, accessToken: string): Promise<TokenResult> {
    const answer = await postFcmMessage(this.http, { url: this.sendUrl, accessToken, json: fcmMessageJson(token, content), timeoutMs: this.settings.timeoutMs });
    return this.verdicts.of(token, answer);
  }
}
