import { domainToASCII } from 'node:url';
import type { SendMailOptions } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type { OutgoingMessage } from '../../application/ports/channel-sender.js';

const LINE_BREAK_OR_NUL = /[\r\n\0]/;
/** RFC 5322 dot-atom-text: what the left-hand side of a Message-ID may hold. */
const DOT_ATOM = /^[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*$/;
const FALLBACK_DOMAIN = 'localhost';

/**
 * The right-hand side of our Message-IDs: the domain of the sender address. SMTP_FROM may carry a
 * display name ("Acme <no-reply@acme.com>"), so the address is parsed rather than split at '@'.
 */
export function messageIdDomain(from: string): string {
  const [mailbox] = addressparser(from, { flatten: true });
  const address = mailbox?.address ?? '';
  const at = address.lastIndexOf('@');
  const domain = at > 0 ? domainToASCII(address.slice(at + 1)) : '';
  return domain === '' ? FALLBACK_DOMAIN : domain.toLowerCase();
}

/**
 * Why the message must not be handed to SMTP at all, or null. Recipient, subject and header values
 * become header lines: a line break in them would add headers (Bcc) or end the header section.
 */
export function refusalOf(message: OutgoingMessage): string | null {
  const { content } = message;
  if (content.channel !== 'email') return `no email content (got ${content.channel})`;
  const fields: ReadonlyArray<[string, string]> = [
    ['recipient', message.recipient],
    ['subject', content.subject],
    ['notification id', message.notificationId],
    ['correlation id', message.correlationId ?? ''],
  ];
  for (const [name, value] of fields) {
    if (LINE_BREAK_OR_NUL.test(value)) return `${name} contains CR, LF or NUL (header injection refused)`;
  }
  if (!DOT_ATOM.test(message.notificationId)) return `notification id ${JSON.stringify(message.notificationId.slice(0, 100))} cannot form a Message-ID`;
  const recipients = addressparser(message.recipient, { flatten: true });
  if (recipients.length !== 1 || !recipients[0]?.address.includes('@')) {
    return `recipient must be exactly one email address, got ${JSON.stringify(message.recipient.slice(0, 100))}`;
  }
  return null;
}

/** The email for a message that refusalOf let through; the same Message-ID on every attempt. */
export function emailFor(message: OutgoingMessage, from: string, domain: string): SendMailOptions {
  const { content, notificationId } = message;
  if (content.channel !== 'email') throw new Error(`no email content (got ${content.channel})`);
  return {
    from,
    to: message.recipient,
    subject: content.subject,
    text: content.text,
    html: content.html,
    messageId: `<${notificationId}@${domain}>`,
    headers: {
      'X-Notification-ID': notificationId,
      'X-Notification-Type': message.notificationType,
      'X-Correlation-ID': message.correlationId ?? notificationId,
    },
  };
}
