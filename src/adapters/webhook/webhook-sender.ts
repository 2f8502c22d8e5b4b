import { Agent } from 'undici';
import type { ChannelSender, OutgoingMessage } from '../../application/ports/channel-sender.js';
import type { SendOutcome } from '../../domain/send-outcome.js';
import { guardedLookup, systemResolve, type Resolve } from './guarded-lookup.js';
import { checkWebhookUrl } from './private-network.js';
import { secretsFor, type SigningSecrets } from './signing-secrets.js';
import { classifyFailure } from './webhook-failure.js';
import { classifyAnswer } from './webhook-outcome.js';
import { postWebhook } from './webhook-request.js';
import type { WebhookSettings } from './webhook-settings.js';
import { signatureHeaders } from './webhook-signature.js';

export type { SigningSecrets } from './signing-secrets.js';
export type WebhookSenderSettings = Pick<WebhookSettings, 'timeoutMs' | 'allowPrivateNetworks' | 'maxConnections'>;

const USER_AGENT = 'notification-service (webhooks)';
const CLOSED: SendOutcome = { kind: 'provider_down', error: 'webhook sender is closed', response: null, attempted: false, configurationFault: false };

/**
 * POSTs a webhook payload, signed per Standard Webhooks, to the recipient URL and classifies what
 * came back (webhook-outcome.ts, webhook-failure.ts). One pooled undici Agent: `maxConnections`
 * per endpoint origin, connected through the private-network guard (guarded-lookup.ts), with a
 * connect timeout that covers the DNS lookup; PerEndpointCircuits keeps the sends to an origin
 * within its connections, so none waits in undici's queue. Nothing connects before the first send.
 */
export class WebhookSender implements ChannelSender {
  readonly channel = 'webhook' as const;
  private readonly http: Agent;
  private closed = false;

  constructor(
    private readonly settings: WebhookSenderSettings,
    private readonly signingSecrets: SigningSecrets,
    resolve: Resolve = systemResolve,
  ) {
    const lookup = guardedLookup(resolve, settings.allowPrivateNetworks);
    this.http = new Agent({ connections: settings.maxConnections, connect: { timeout: settings.timeoutMs, lookup } });
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    if (message.content.channel !== 'webhook') return refused(`a ${message.content.channel} message cannot be sent as a webhook`);
    const check = checkWebhookUrl(message.recipient, this.settings.allowPrivateNetworks);
    if (!check.ok) return refused(check.reason);
    const found = await secretsFor(this.signingSecrets, message);
    if (!found.ok) return found.outcome;
    if (this.closed) return CLOSED;
    const { payload } = message.content;
    const headers = { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...signatureHeaders(message.notificationId, new Date(), payload, found.secrets) };
    const exchange = await postWebhook(this.http, { url: check.url, headers, payload, timeoutMs: this.settings.timeoutMs });
    if (exchange.kind === 'answer') return classifyAnswer(message.recipient, exchange.answer, Date.now());
    return classifyFailure(exchange.error, exchange.requestSent, this.settings.timeoutMs);
  }

  /** Sends in flight finish first; later sends answer provider_down, not attempted. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.http.close();
  }
}

function refused(error: string): SendOutcome {
  return { kind: 'permanent', error, response: null };
}
