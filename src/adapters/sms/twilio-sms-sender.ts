import http from 'node:http';
import https from 'node:https';
import type { ChannelSender, OutgoingMessage } from '../../application/ports/channel-sender.js';
import type { SendOutcome } from '../../domain/send-outcome.js';
import { SilentProviderWatch } from '../http/silent-provider-watch.js';
import { postForm } from './form-post.js';
import type { SmsSettings } from './sms-settings.js';
import { classifyHttpFailure, isSilentTimeout, silentProviderDown } from './http-failure.js';
import { classifyTwilioAnswer } from './twilio-outcome.js';
import { basicAuthorization, messagesUrl, twilioRequestFor, type TwilioMessageRequest } from './twilio-request.js';

/** Nothing was sent: the sender was closed during shutdown. Not an attempt, not a provider fault. */
const CLOSED: SendOutcome = { kind: 'provider_down', error: 'SMS sender is closed', response: null, attempted: false, configurationFault: false };
/** Idle pooled connections are closed before a server's usual 5 s keep-alive ends, so a send seldom meets one the server is closing. */
const IDLE_SOCKET_MS = 4_000;

/**
 * Sends SMS through Twilio's Messages API over a pool of keep-alive connections. Twilio takes no
 * idempotency key for Messages: an `ambiguous` answer resent later may reach the phone twice.
 * No answer in time after writing is ambiguous (Twilio may have queued the SMS) only while few in
 * a row: from SILENT_TIMEOUTS_TO_DOWN on, with no answer between, Twilio is taken as down and each
 * is provider_down, which the breaker counts and opens on. Otherwise a Twilio that takes requests
 * and never answers would use every SMS's attempts, resend each (perhaps reaching the phone
 * twice) and fail them all, the breaker closed throughout (silent-provider-watch.ts).
 */
export class TwilioSmsSender implements ChannelSender {
  readonly channel = 'sms' as const;
  private readonly agent: http.Agent;
  private readonly url: URL;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly inFlight = new Set<Promise<SendOutcome>>();
  private readonly silence = new SilentProviderWatch();
  private closed = false;

  constructor(
    private readonly settings: SmsSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.url = messagesUrl(settings);
    const options = { keepAlive: true, maxSockets: settings.maxConnections, timeout: IDLE_SOCKET_MS };
    this.agent = this.url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    this.headers = { authorization: basicAuthorization(settings), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  }

  send(message: OutgoingMessage): Promise<SendOutcome> {
    const request = twilioRequestFor(message, this.settings);
    if ('refusal' in request) return Promise.resolve({ kind: 'permanent', error: request.refusal, response: null });
    if (this.closed) return Promise.resolve(CLOSED);
    const sending = this.deliver(request);
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
    return sending;
  }

  /** Refuses new sends, lets those in flight finish (each bounded by the timeouts), then closes the pool. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    this.agent.destroy();
  }

  private async deliver(request: TwilioMessageRequest): Promise<SendOutcome> {
    const { connectTimeoutMs, responseTimeoutMs } = this.settings;
    const result = await postForm({ url: this.url, headers: this.headers, form: request.form.toString(), agent: this.agent, connectTimeoutMs, responseTimeoutMs });
    if (result.kind === 'answer') {
      this.silence.answered();
      return classifyTwilioAnswer(result, { to: request.to, body: request.body, nowMs: this.now() });
    }
    if (isSilentTimeout(result) && this.silence.timedOut()) return silentProviderDown(result, this.silence.inARow);
    return classifyHttpFailure(result);
  }
}
