import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { POOL_SIZES } from '../channel-limits.js';
import { mixedContent } from '../mixed-events.js';
import type { RawClient } from './raw-client.js';

/**
 * The email the service makes of a send with its own content: the body as the text part, and in
 * its HTML layout (templates/email/layout.html.eta, filled here by hand) as the HTML part.
 */
export function emailClient(port: number, to: (i: number) => string): RawClient {
  const transport = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port, secure: false, ignoreTLS: true, maxConnections: POOL_SIZES.email, maxMessages: 1_000 });
  const layout = readFileSync('templates/email/layout.html.eta', 'utf8');
  return {
    send: async (i) => {
      const fields: Record<string, string> = { ...mixedContent(i), service_name: 'Bench Notifications' };
      const html = layout.replace(/<%[=~] it\.(\w+) %>/g, (_m, name: string) => fields[name] ?? '');
      const id = randomUUID();
      const headers = { 'X-Notification-ID': id, 'X-Notification-Type': 'message', 'X-Correlation-ID': id };
      await transport.sendMail({ from: 'notifications@example.com', to: to(i), subject: fields.subject, messageId: `<${id}@example.com>`, text: fields.body, html, headers });
    },
    close: async () => transport.close(),
  };
}

