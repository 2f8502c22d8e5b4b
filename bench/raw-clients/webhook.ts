import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { POOL_SIZES } from '../channel-limits.js';
import { mixedContent } from '../mixed-events.js';
import type { RawClient } from './raw-client.js';

/** A signed Standard Webhooks POST of the envelope a send with its own content gets, as WebhookSender makes it. */
export function webhookClient(env: Readonly<Record<string, string>>, to: (i: number) => string): RawClient {
  const pool = new Agent({ connections: POOL_SIZES.webhook });
  const signer = new Webhook(env.WEBHOOK_SIGNING_SECRET ?? '');
  return {
    send: async (i) => {
      const id = randomUUID();
      const sentAt = new Date();
      const payload = JSON.stringify({ notification_id: id, type: 'message', ...mixedContent(i), created_at: sentAt.toISOString() });
      const signature = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1_000)), 'webhook-signature': signer.sign(id, sentAt, payload) };
      const headers = { 'content-type': 'application/json', 'user-agent': 'notification-service (webhooks)', ...signature };
      const response = await request(to(i), { dispatcher: pool, method: 'POST', headers, body: payload });
      await response.body.text();
      if (response.statusCode !== 200) throw new Error(`raw webhook: HTTP ${response.statusCode}`);
    },
    close: () => pool.close(),
  };
}
