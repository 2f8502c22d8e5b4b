import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { smsSegments } from '../../src/domain/sms-segments.js';
import { magicNumberError } from './twilio-magic-numbers.js';

/** Twilio's error body: `{"code", "message", "more_info", "status"}` (and `detail` for 20003). */
export interface TwilioError {
  readonly status: number;
  readonly code: number;
  readonly message?: string;
}

const MESSAGES: Readonly<Record<number, string>> = {
  20003: 'Authenticate',
  20404: 'The requested resource was not found',
  20429: 'Too Many Requests',
  20500: 'An internal server error has occurred',
  20503: 'Service Unavailable',
  21211: "Invalid 'To' Phone Number",
  21602: 'Message body is required.',
  21603: "A 'From' or 'MessagingServiceSid' parameter is required to send a message.",
  21604: "A 'To' phone number is required.",
  21610: 'Attempt to send to unsubscribed recipient',
  21614: "'To' number is not a valid mobile number",
  21617: 'The concatenated message body exceeds the 1600 character limit.',
  21705: 'The Messaging Service is invalid',
};
const E164 = /^\+[1-9]\d{1,14}$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/;

export function errorJson(error: TwilioError): string {
  const message = error.message ?? MESSAGES[error.code] ?? 'Error';
  const detail = error.code === 20003 ? { detail: 'Your AccountSid or AuthToken was incorrect.' } : {};
  return JSON.stringify({ code: error.code, message, more_info: `https://www.twilio.com/docs/errors/${error.code}`, status: error.status, ...detail });
}

/**
 * The checks Twilio makes on POST /2010-04-01/Accounts/{sid}/Messages.json, in its order: the
 * resource, the credentials, then the fields (a body that is not form-encoded reads as no fields,
 * so Twilio answers 21604, as it does for a JSON body).
 */
export function wireError(account: { sid: string; token: string }, path: string, headers: IncomingHttpHeaders, fields: URLSearchParams): TwilioError | null {
  const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
  if (!match) return { status: 404, code: 20404 };
  const expected = `Basic ${Buffer.from(`${account.sid}:${account.token}`).toString('base64')}`;
  if (headers.authorization !== expected || match[1] !== account.sid) return { status: 401, code: 20003 };
  const to = fields.get('To');
  const body = fields.get('Body');
  const service = fields.get('MessagingServiceSid');
  if (!to) return { status: 400, code: 21604 };
  if (!fields.get('From') && !service) return { status: 400, code: 21603 };
  if (!body) return { status: 400, code: 21602 };
  if (!E164.test(to)) return { status: 400, code: 21211, message: `The 'To' number ${to} is not a valid phone number.` };
  if (service && !MESSAGING_SERVICE_SID.test(service)) return { status: 400, code: 21705 };
  if ([...body].length > 1_600) return { status: 400, code: 21617 };
  return magicNumberError(fields.get('From') ?? '', to);
}

/** The fields of a form-encoded body; none for any other content type. */
export function formFields(headers: IncomingHttpHeaders, raw: string): URLSearchParams {
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' ? new URLSearchParams(raw) : new URLSearchParams();
}

export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

/** Twilio's 201 body for a created message (a Messaging Service send is `accepted`, not yet `queued`). */
export function messageJson(accountSid: string, sid: string, fields: URLSearchParams): Record<string, unknown> {
  const now = new Date().toUTCString().replace('GMT', '+0000');
  const service = fields.get('MessagingServiceSid');
  const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${sid}`;
  return {
    account_sid: accountSid, api_version: '2010-04-01', body: fields.get('Body'), date_created: now, date_sent: null, date_updated: now,
    direction: 'outbound-api', error_code: null, error_message: null, from: fields.get('From') ?? null, messaging_service_sid: service ?? null,
    num_media: '0', num_segments: String(smsSegments(fields.get('Body') ?? '').segments), price: null, price_unit: 'USD', sid,
    status: service ? 'accepted' : 'queued', subresource_uris: { media: `${uri}/Media.json` }, to: fields.get('To'), uri: `${uri}.json`,
  };
}
