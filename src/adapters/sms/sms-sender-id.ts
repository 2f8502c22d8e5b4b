import { PhoneNumber } from '../../domain/phone-number.js';
import type { EnvReader } from '../system/env-reader.js';

/** Who SMS are sent as: at least one of the two is set when the settings are usable. */
export interface SmsSenderId {
  /** An E.164 number, a short code or an alphanumeric sender id. */
  readonly from: string | undefined;
  readonly messagingServiceSid: string | undefined;
}

export const SENDER_VARIABLES = ['SMS_FROM', 'SMS_MESSAGING_SERVICE_SID'];
const MESSAGING_SERVICE_SID = /^MG[0-9A-Za-z]{32}$/;
// Twilio's alphanumeric sender ids: up to 11 ASCII letters, digits and spaces, at least one letter.
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
// A short code (US, UK, ...: 5 or 6 digits) is a sender Twilio takes as From too.
const SHORT_CODE = /^\d{5,6}$/;

/** SMS_FROM and SMS_MESSAGING_SERVICE_SID, each reason they are wrong pushed to env.problems. */
export function readSender(env: EnvReader): SmsSenderId {
  const from = env.optionalString('SMS_FROM');
  const messagingServiceSid = env.optionalString('SMS_MESSAGING_SERVICE_SID');
  if (from === undefined && messagingServiceSid === undefined) {
    env.problems.push('SMS_FROM or SMS_MESSAGING_SERVICE_SID is required: the number or sender id SMS are sent from');
  }
  if (from !== undefined && !isSender(from)) {
    env.problems.push('SMS_FROM must be an E.164 number (+4915112345678), a short code of 5 or 6 digits, or an alphanumeric sender id of up to 11 letters, digits and spaces');
  }
  if (messagingServiceSid !== undefined && !MESSAGING_SERVICE_SID.test(messagingServiceSid)) {
    env.problems.push('SMS_MESSAGING_SERVICE_SID must be MG followed by 32 letters or digits');
  }
  return { from, messagingServiceSid };
}

function isSender(from: string): boolean {
  if (ALPHANUMERIC_SENDER.test(from) || SHORT_CODE.test(from)) return true;
  try {
    PhoneNumber.of(from);
    return true;
  } catch {
    return false;
  }
}
