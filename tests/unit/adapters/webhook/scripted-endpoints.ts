import type { ChannelSender, OutgoingMessage } from '../../../../src/application/ports/channel-sender.js';
import type { SendOutcome } from '../../../../src/domain/send-outcome.js';
import { accepted, providerDown } from '../../mothers.js';

/** A webhook to `recipient` with an empty payload. */
export function to(recipient: string): OutgoingMessage {
  return { notificationId: `n-${recipient}`, notificationType: 'order_status_update', userId: null, recipient, correlationId: null, content: { channel: 'webhook', payload: '{}' } };
}

/** A webhook sender whose endpoints answer from a table (down or up), counting what reached each. */
export function endpoints(down: Set<string>) {
  const reached = new Map<string, number>();
  const sender = {
    channel: 'webhook' as const,
    reached,
    send: (message: OutgoingMessage): Promise<SendOutcome> => {
      reached.set(message.recipient, (reached.get(message.recipient) ?? 0) + 1);
      return Promise.resolve(down.has(message.recipient) ? providerDown({ error: 'the endpoint is failing: HTTP 503' }) : accepted('HTTP 200'));
    },
  };
  return sender satisfies ChannelSender;
}

export async function sendTimes(sender: ChannelSender, recipient: string, n: number): Promise<SendOutcome[]> {
  const outcomes: SendOutcome[] = [];
  for (let i = 0; i < n; i++) outcomes.push(await sender.send(to(recipient)));
  return outcomes;
}

/** A webhook sender whose sends wait until the test answers them, oldest first; it lists what reached it. */
export function held() {
  const waiting: Array<(outcome: SendOutcome) => void> = [];
  const sender = {
    channel: 'webhook' as const,
    reached: [] as string[],
    send: (message: OutgoingMessage): Promise<SendOutcome> => {
      sender.reached.push(message.recipient);
      return new Promise((resolve) => waiting.push(resolve));
    },
    answerOldest: async (outcome: SendOutcome = accepted('HTTP 200')): Promise<void> => {
      waiting.shift()?.(outcome);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return sender satisfies ChannelSender;
}
