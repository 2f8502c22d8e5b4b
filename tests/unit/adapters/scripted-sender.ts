import { CircuitBreakingSender } from '../../../src/adapters/delivery/circuit-breaking-sender.js';
import type { ChannelSender, CircuitState, OutgoingMessage } from '../../../src/application/ports/channel-sender.js';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';

/** An email to send again and again: the breaker's tests are about the answers, not the message. */
export const MESSAGE: OutgoingMessage = {
  notificationId: 'n-1',
  notificationType: 'welcome',
  userId: null,
  recipient: 'ada@example.com',
  correlationId: null,
  content: { channel: 'email', subject: 's', html: 'h', text: 't' },
};

/** A sender answering from a script; it counts the sends that reached it. */
export function scripted(...answers: SendOutcome[]) {
  const inner = { channel: 'email' as const, calls: 0, send: async () => answers[Math.min(inner.calls++, answers.length - 1)] as SendOutcome };
  return inner satisfies ChannelSender & { calls: number };
}

/** A breaker that opens after 3 failures in a row; `events` is what it told its listener. */
export function breaker(inner: ChannelSender, halfOpenAfterMs = 60_000) {
  const events: string[] = [];
  const sender = new CircuitBreakingSender(inner, { failuresToOpen: 3, halfOpenAfterMs }, {
    stateChanged: (channel, state: CircuitState) => events.push(`${channel} ${state}`),
    configurationFault: (channel, error) => events.push(`${channel} fault: ${error}`),
  });
  return { sender, events };
}

export async function sendTimes(sender: ChannelSender, n: number): Promise<SendOutcome[]> {
  const outcomes: SendOutcome[] = [];
  for (let i = 0; i < n; i++) outcomes.push(await sender.send(MESSAGE));
  return outcomes;
}
