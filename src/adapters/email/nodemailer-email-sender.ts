import type { ChannelSender, OutgoingMessage } from '../../application/ports/channel-sender.js';
import type { SendOutcome } from '../../domain/send-outcome.js';
import { DataPhase } from './data-phase.js';
import { emailFor, messageIdDomain, refusalOf } from './email-message.js';
import { describeSmtpError } from './smtp-failure.js';
import { classifySendError } from './smtp-outcome.js';
import { providerMessageIdOf } from './smtp-queue-id.js';
import { createSmtpPool, tlsGuardsCredentials, type NodemailerEmailSenderSettings, type PoolTransport } from './smtp-transport.js';

export type { NodemailerEmailSenderSettings } from './smtp-transport.js';

/** Nothing was sent: the sender was closed during shutdown. Not an attempt, not a provider fault. */
const CLOSED: SendOutcome = {
  kind: 'provider_down',
  error: 'email sender is closed',
  response: null,
  attempted: false,
  configurationFault: false,
};

/** Pooled SMTP through nodemailer. Nothing connects until the first send or verify. */
export class NodemailerEmailSender implements ChannelSender {
  readonly channel = 'email' as const;
  private transport: PoolTransport | null = null;
  private closed = false;
  private readonly inFlight = new Set<Promise<SendOutcome>>();
  private readonly domain: string;

  constructor(private readonly settings: NodemailerEmailSenderSettings) {
    this.domain = messageIdDomain(settings.from);
  }

  send(message: OutgoingMessage): Promise<SendOutcome> {
    const refusal = refusalOf(message);
    if (refusal !== null) return Promise.resolve({ kind: 'permanent', error: refusal, response: null });
    if (this.closed) return Promise.resolve(CLOSED);
    const sending = this.deliver(message);
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
    return sending;
  }

  /** Connects, greets and (if configured) authenticates on a separate connection; bounded by the timeouts. */
  async verify(): Promise<{ ok: true } | { ok: false; error: string }> {
    if (this.closed) return { ok: false, error: 'email sender is closed' };
    try {
      await this.pool().verify();
      return { ok: true };
    } catch (error) {
      return { ok: false, error: describeSmtpError(error) };
    }
  }

  /** Closes idle connections at once; sends in flight finish (bounded by the socket timeout) first. */
  async close(): Promise<void> {
    this.closed = true;
    const transport = this.transport;
    this.transport = null;
    if (transport === null) return;
    transport.close();
    await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(message: OutgoingMessage): Promise<SendOutcome> {
    const dataPhase = new DataPhase();
    const email = dataPhase.attachTo(emailFor(message, this.settings.from, this.domain));
    try {
      const info = await this.pool().sendMail(email);
      const response = typeof info.response === 'string' ? info.response : '';
      return { kind: 'accepted', response, providerMessageId: providerMessageIdOf(response, info.serverMessageId) };
    } catch (error) {
      const context = { messageHandedOver: dataPhase.messageHandedOver, tlsGuardsCredentials: tlsGuardsCredentials(this.settings) };
      return classifySendError(error, context);
    }
  }

  private pool(): PoolTransport {
    this.transport ??= createSmtpPool(this.settings);
    return this.transport;
  }
}
