import { credentialUrl } from '../http/credential-url.js';
import type { EnvReader } from '../system/env-reader.js';
import { readSender, SENDER_VARIABLES } from './sms-sender-id.js';

/** How TwilioSmsSender reaches Twilio (or a stand-in at another base URL) and as whom it sends. */
export interface SmsSettings {
  readonly accountSid: string;
  readonly authToken: string;
  /** An E.164 number or an alphanumeric sender id; at least one of `from` and `messagingServiceSid` is set. */
  readonly from: string | undefined;
  readonly messagingServiceSid: string | undefined;
  /** Scheme (https, or http to a loopback host), host and optional path prefix, without a trailing slash. */
  readonly baseUrl: string;
  readonly statusCallbackUrl: string | undefined;
  /** Bound on getting a connection: the wait for a free pooled one, then opening it. */
  readonly connectTimeoutMs: number;
  /** Bound on writing the request and reading the whole answer, together, once connected. */
  readonly responseTimeoutMs: number;
  readonly maxConnections: number;
}

const ACCOUNT_SID = /^AC[0-9A-Za-z]{32}$/;

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
  // A send takes at most both timeouts: 2 × 60 s fits the delivery core's send timeout (120 s by default).
  const timeoutMs = env.int('SMS_TIMEOUT_MS', 10_000, 100, 60_000);
  const settings: SmsSettings = {
    accountSid: accountSid ?? '',
    authToken: authToken ?? '',
    ...readSender(env),
    baseUrl: (credentialUrl(env, 'SMS_API_BASE_URL', 'https://api.twilio.com') ?? '').replace(/\/+$/, ''),
    statusCallbackUrl: env.url('SMS_STATUS_CALLBACK_URL', ['http', 'https'], { required: false }),
    connectTimeoutMs: timeoutMs,
    responseTimeoutMs: timeoutMs,
    maxConnections: env.int('SMS_MAX_CONNECTIONS', 10, 1, 1_000),
  };
  return env.problems.length === problemsBefore ? settings : undefined;
}
