import { randomUUID } from 'node:crypto';
import { twilioSignature } from '../../src/adapters/sms/twilio-signature.js';

/** One status callback about a sent message, as Twilio posts it to the message's StatusCallback. */
export interface StatusCallback {
  readonly messageSid: string;
  readonly status: 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';
  /** Twilio's delivery error code (30003 unreachable, 30005 unknown destination, ...), for undelivered and failed. */
  readonly errorCode?: number;
  readonly accountSid?: string;
  readonly to?: string;
  readonly from?: string;
  /** The URL the signature covers when it is not the one posted to (the public URL in front of a proxy). */
  readonly signedUrl?: string;
  /** Sent instead of the right signature, to see it refused. */
  readonly signature?: string;
}

export interface StatusCallbackResult {
  readonly status: number;
  readonly body: string;
}

/** The fields Twilio sends (SmsSid and SmsStatus repeat MessageSid and MessageStatus for older receivers). */
function fieldsOf(callback: StatusCallback): Record<string, string> {
  const fields: Record<string, string> = {
    MessageSid: callback.messageSid, SmsSid: callback.messageSid,
    MessageStatus: callback.status, SmsStatus: callback.status, ApiVersion: '2010-04-01',
  };
  if (callback.accountSid !== undefined) fields.AccountSid = callback.accountSid;
  if (callback.to !== undefined) fields.To = callback.to;
  if (callback.from !== undefined) fields.From = callback.from;
  if (callback.errorCode !== undefined) fields.ErrorCode = String(callback.errorCode);
  return fields;
}

/** POSTs the callback form-encoded with X-Twilio-Signature over the (signed) URL and the fields, keyed with `authToken`. */
export async function sendStatusCallback(url: string, callback: StatusCallback, authToken: string): Promise<StatusCallbackResult> {
  const fields = fieldsOf(callback);
  const signature = callback.signature ?? twilioSignature(authToken, callback.signedUrl ?? url, fields);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
      'i-twilio-idempotency-token': randomUUID(),
      'user-agent': 'TwilioProxy/1.1',
    },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.text() };
}
