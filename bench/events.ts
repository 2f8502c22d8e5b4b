import { randomUUID } from 'node:crypto';
import type { OutMessage } from './broker.js';
import { recipientOf } from './util.js';

/**
 * The mix of upstream events, in rotation: every one carries the recipient address in its
 * payload, so no preferences are needed (a user without preferences gets every type, at the
 * address of the event). Payload shapes as in the README's event table.
 */
const KINDS = ['welcome', 'security_alert', 'order_created', 'order_status', 'password_reset', 'email_verification'] as const;

export const EVENT_MIX = 'user.welcome_requested, user.security_alert_requested, order.created, order.status.updated, user.password_reset_requested, user.email_verification_requested (in rotation)';

function payload(kind: (typeof KINDS)[number], i: number, email: string): { routingKey: string; body: Record<string, unknown> } {
  const userid = `bench-user-${i % 1_000}`;
  const orderId = 100_000 + i;
  switch (kind) {
    case 'welcome':
      return { routingKey: 'user.welcome_requested', body: { userid, email, username: `User ${i}` } };
    case 'security_alert':
      return { routingKey: 'user.security_alert_requested', body: { userid, email, alert_message: `New login from 192.0.2.${i % 250}` } };
    case 'order_created':
      return {
        routingKey: 'order.created',
        body: {
          event_type: 'order.created',
          data: {
            order_id: orderId,
            user_id: i % 1_000,
            user_email: email,
            total_amount: 59.97,
            status: 'pending',
            items: [
              { product_id: 1, product_name: 'Blue Mug', quantity: 2, price: 9.99 },
              { product_id: 2, product_name: 'Teapot', quantity: 1, price: 39.99 },
            ],
          },
        },
      };
    case 'order_status':
      return {
        routingKey: 'order.status.updated',
        body: { event_type: 'order.status.updated', data: { order_id: orderId, user_id: i % 1_000, user_email: email, old_status: 'pending', new_status: 'shipped', updated_by: 'warehouse' } },
      };
    case 'password_reset':
      return { routingKey: 'user.password_reset_requested', body: { userid, email, reset_token: `reset-${i}` } };
    case 'email_verification':
      return { routingKey: 'user.email_verification_requested', body: { userid, username: `User ${i}`, email, verify_token: `verify-${i}` } };
  }
}

/** The `i`th event of a tag: a unique event id and a unique recipient. */
export function mixedEvent(tag: string, i: number): OutMessage {
  const recipient = recipientOf(tag, i);
  const kind = KINDS[i % KINDS.length] ?? 'welcome';
  const { routingKey, body } = payload(kind, i, recipient);
  const eventId = randomUUID();
  return { routingKey, messageId: eventId, recipient, body: Buffer.from(JSON.stringify({ event_id: eventId, ...body })) };
}
