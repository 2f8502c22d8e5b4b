import { Agent } from 'undici';
import type { ChannelSender, OutgoingMessage } from '../../application/ports/channel-sender.js';
import type { SendOutcome } from '../../domain/send-outcome.js';
import { AccessTokenCache } from './access-token-cache.js';
import { pushOutcome } from './push-outcome.js';
import { pushOf } from './push-payload.js';
import type { PushSettings } from './push-settings.js';
import { ServiceAccountTokenSource } from './service-account-token.js';
import { TokenSends } from './token-sends.js';
import { TokenVerdicts } from './token-verdicts.js';

const CLOSED: SendOutcome = { kind: 'provider_down', error: 'push sender is closed', response: null, attempted: false, configurationFault: false };

/**
 * Firebase Cloud Messaging HTTP v1: one request per device token, authorised by a cached OAuth2
 * access token of the service account; nothing connects before the first send. FCM has no
 * idempotency key: a resend after ambiguous may show the notification twice on that device. No
 * answer in time after writing stays ambiguous only while few in a row, then FCM is taken as down
 * and the breaker opens, rather than every push using its attempts (silent-provider-watch.ts).
 * A send takes at most twice PUSH_TIMEOUT_MS: once to get the access token (the token endpoint's
 * whole exchange), once for all of its tokens' requests (token-sends.ts), so the delivery core
 * never gives up on a push that is still going out.
 */
export class FcmPushSender implements ChannelSender {
  readonly channel = 'push' as const;
  private readonly http: Agent;
  private readonly tokens: AccessTokenCache;
  private readonly sends: TokenSends;
  private closed = false;

  constructor(settings: PushSettings, now: () => number = Date.now) {
    const { timeoutMs, maxConnections, serviceAccount, baseUrl } = settings;
    this.http = new Agent({ connections: maxConnections, connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const source = new ServiceAccountTokenSource(serviceAccount, this.http, timeoutMs, now);
    this.tokens = new AccessTokenCache(() => source.fetch(), now);
    const sendUrl = `${baseUrl}/v1/projects/${encodeURIComponent(serviceAccount.projectId)}/messages:send`;
    this.sends = new TokenSends(this.http, sendUrl, this.tokens, new TokenVerdicts(), timeoutMs);
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const push = pushOf(message);
    if ('refusal' in push) return { kind: 'permanent', error: push.refusal, response: null };
    if (this.closed) return CLOSED;
    const access = await this.tokens.get();
    if (!access.ok) return { kind: 'provider_down', error: access.error, response: null, attempted: true, configurationFault: access.configurationFault };
    if (this.closed) return CLOSED;
    return pushOutcome(await this.sends.all(push.tokens, push.content, access.accessToken));
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
}
