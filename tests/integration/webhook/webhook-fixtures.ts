import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { WebhookSender, type SigningSecrets, type WebhookSenderSettings } from '../../../src/adapters/webhook/webhook-sender.js';
import { newWebhookSecret } from '../../../src/adapters/webhook/webhook-settings.js';
import type { OutgoingMessage } from '../../../src/application/ports/channel-sender.js';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';

/** The endpoint's secret, known to the receiver every test starts. */
export const SECRET = newWebhookSecret();

export function aWebhook(recipient: string): OutgoingMessage {
  const id = randomUUID();
  const payload = JSON.stringify({ notification_id: id, type: 'order_status_update', subject: 'Colis expédié ✓', body: 'On its way', created_at: '2026-03-01T12:00:00Z' });
  return { notificationId: id, notificationType: 'order_status_update', userId: 'user-1', recipient, correlationId: null, content: { channel: 'webhook', payload } };
}

/** The kind with the flags the delivery core acts on. */
export function flagsOf(outcome: SendOutcome): Record<string, unknown> {
  return outcome.kind === 'provider_down' ? { kind: outcome.kind, attempted: outcome.attempted } : { kind: outcome.kind };
}

/** A port with nothing listening on it. */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface SenderOptions extends Partial<WebhookSenderSettings> {
  readonly secrets?: readonly string[];
  readonly resolve?: ConstructorParameters<typeof WebhookSender>[2];
}

/**
 * A receiver knowing SECRET started before each test, and senders opened by the test, all closed
 * after it. Senders allow private networks unless told not to: the receiver is on 127.0.0.1.
 */
export function senderWorld() {
  let receiver: WebhookReceiver | null = null;
  const senders: WebhookSender[] = [];

  beforeEach(async () => {
    receiver = await WebhookReceiver.start([SECRET]);
  });

  afterEach(async () => {
    await Promise.all(senders.splice(0).map((s) => s.close()));
    await receiver?.close();
  });

  return {
    receiver: (): WebhookReceiver => receiver as WebhookReceiver,
    open(options: SenderOptions = {}): WebhookSender {
      const secrets: SigningSecrets = () => Promise.resolve(options.secrets ?? [SECRET]);
      const settings = { timeoutMs: options.timeoutMs ?? 2_000, allowPrivateNetworks: options.allowPrivateNetworks ?? true, maxConnections: options.maxConnections ?? 4 };
      const sender = new WebhookSender(settings, secrets, options.resolve);
      senders.push(sender);
      return sender;
    },
  };
}
