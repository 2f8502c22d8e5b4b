import { PhoneNumber } from '../../domain/phone-number.js';
import type { EnvReader } from '../system/env-reader.js';

/** How TwilioSmsSender reaches Twilio (or a stand-in at another base URL) and as whom it sends. */
export interface SmsSettings {
  readonly accountSid: string;
  readonly authToken: string;
  /** An E.164 number or an alphanumeric sender id; at least one of `from` and `messagingServiceSid` is set. */
  readonly from: string | undefined;
  readonly messagingServiceSid: string | undefined;
  /** Scheme, host and optional path prefix, without a trailing slash. */
  readonly baseUrl: string;
  readonly statusCallbackUrl: string | undefined;
  /** Bound on opening a connection (TCP and TLS). */
  readonly connectTimeoutMs: number;
  /** Bound on writing the request and reading the whole answer once connected. */
  readonly responseTimeoutMs: number;
  readonly maxConnections: number;
}

const ACCOUNT_SID = /^AC[0-9A-Za-z]{32}$/;
const MESSAGING_SERVICE_SID = /^MG[0-9A-Za-z]{32}$/;
// Twilio's alphanumeric sender ids: up to 11 ASCII letters, digits and spaces, at least one letter.
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
// A short code (US, UK, ...: 5 or 6 digits) is a sender Twilio takes as From too.
const SHORT_CODE = /^\d{5,6}$/;
const SENDER_VARIABLES = ['SMS_FROM', 'SMS_MESSAGING_SERVICE_SID'];

/**
 * The SMS channel's settings; undefined when SMS is not configured (neither SMS_ACCOUNT_SID nor
 * SMS_AUTH_TOKEN is set) or when its variables are wrong, each reason pushed to env.problems.
 */
export function readSmsSettings(env: EnvReader): SmsSettings | undefined {
  const accountSid = env.optionalString('SMS_ACCOUNT_SID');
  const authToken = env.optionalString('SMS_AUTH_TOKEN');
  const problemsBefore = env.problems.length;
  if (accountSid === undefined && authToken === undefined) {
    for (const name of SENDER_VARIABLES.filter((n) => env.optionalString(n) !== undefined)) {
      env.problems.push(`${name} is set but SMS_ACCOUNT_SID and SMS_AUTH_TOKEN are not: set both to enable SMS, or unset ${name}`);
    }
    return undefined;
  }
  if (accountSid === undefined) env.problems.push('SMS_ACCOUNT_SID is required when SMS_AUTH_TOKEN is set');
  else if (!ACCOUNT_SID.test(accountSid)) env.problems.push('SMS_ACCOUNT_SID must be AC followed by 32 letters or digits');
  if (authToken === undefined) env.problems.push('SMS_AUTH_TOKEN is required when SMS_ACCOUNT_SID is set');
  const timeoutMs = env.int('SMS_TIMEOUT_MS', 10_000, 100, 600_000);
  const settings: SmsSettings = {
    accountSid: accountSid ?? '',
    authToken: authToken ?? '',
    ...readSender(env),
    baseUrl: (env.url('SMS_API_BASE_URL', ['http', 'https'], { required: false, fallback: 'https://api.twilio.com' }) ?? '').replace(/\/+$/, ''),
    statusCallbackUrl: env.url('SMS_STATUS_CALLBACK_URL', ['http', 'https'], { required: false }),
    connectTimeoutMs: timeoutMs,
    responseTimeoutMs: timeoutMs,
    maxConnections: env.int('SMS_MAX_CONNECTIONS', 10, 1, 1_000),
  };
  return env.problems.length === problemsBefore ? settings : undefined;
}

function readSender(env: EnvReader): Pick<SmsSettings, 'from' | 'messagingServiceSid'> {
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
