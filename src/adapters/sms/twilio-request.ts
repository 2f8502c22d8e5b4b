import type { OutgoingMessage } from '../../application/ports/channel-sender.js';
import { DomainError } from '../../domain/errors.js';
import { PhoneNumber } from '../../domain/phone-number.js';
import { checkSmsBody } from '../../domain/sms-segments.js';
import type { SmsSettings } from './sms-settings.js';

/** What goes to Twilio for one message: the form fields, as Twilio names them. */
export interface TwilioMessageRequest {
  readonly to: string;
  readonly body: string;
  readonly form: URLSearchParams;
}

/**
 * The request for a message, or why it must never reach Twilio: content that is not SMS, a
 * recipient that is not E.164, a body that is empty or over 1,600 characters. Twilio would refuse
 * each with a 400 (21211, 21602, 21617) after a round trip; a refusal here costs nothing.
 */
export function twilioRequestFor(message: OutgoingMessage, settings: SmsSettings): TwilioMessageRequest | { readonly refusal: string } {
  const { content } = message;
  if (content.channel !== 'sms') return { refusal: `no SMS content (got ${content.channel})` };
  try {
    const to = PhoneNumber.of(message.recipient, 'recipient').value;
    const body = checkSmsBody(content.body, 'body');
    const form = new URLSearchParams({ To: to, Body: body });
    if (settings.from !== undefined) form.set('From', settings.from);
    if (settings.messagingServiceSid !== undefined) form.set('MessagingServiceSid', settings.messagingServiceSid);
    if (settings.statusCallbackUrl !== undefined) form.set('StatusCallback', settings.statusCallbackUrl);
    return { to, body, form };
  } catch (error) {
    if (error instanceof DomainError) return { refusal: error.message };
    throw error;
  }
}

/** POST target: the account's Messages resource under the configured base URL (Twilio or a stand-in). */
export function messagesUrl(settings: SmsSettings): URL {
  return new URL(`${settings.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`);
}

/** HTTP Basic with the account SID and auth token, as Twilio's REST API takes them. */
export function basicAuthorization(settings: SmsSettings): string {
  return `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`, 'utf8').toString('base64')}`;
}
