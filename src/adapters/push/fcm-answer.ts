import { retryAfterMs as parseRetryAfter } from '../http/retry-after.js';
import { parseFcmError, parseMessageName, type FcmError } from './fcm-response.js';
import { NO_ANSWER_AFTER_SENDING } from './network-error.js';

/** What came back for one device token's request. */
export type FcmAnswer =
  | { readonly kind: 'response'; readonly status: number; readonly body: string; readonly retryAfter: string | null; readonly bodyError?: string }
  | { readonly kind: 'no_response'; readonly requestSent: boolean; readonly code: string; readonly error: string };

/** One device token's verdict; `detail` says why, for the outcome's texts. */
export type TokenResult = { readonly token: string; readonly detail: string } & (
  | { readonly kind: 'accepted'; readonly name: string | null }
  | { readonly kind: 'unregistered'; readonly senderSuspect?: true }
  | { readonly kind: 'permanent' | 'transient' | 'ambiguous' }
  | { readonly kind: 'provider_down'; readonly configurationFault: boolean; readonly retryAfterMs?: number; readonly accessTokenRefused?: boolean }
);

type Verdict = 'accepted' | 'unregistered' | 'sender_suspect' | 'permanent' | 'transient' | 'down' | 'misconfigured' | 'access_token_refused';
type Rule = readonly [when: (status: number, error: FcmError) => boolean, verdict: Verdict];

/*
 * One token's answer, first match wins (FCM HTTP v1 ErrorCode reference):
 *   2xx: accepted (its `name` is the provider id)          4xx UNREGISTERED (404): unregistered
 *   4xx SENDER_ID_MISMATCH (403), 400 INVALID_ARGUMENT naming no field: unregistered, senderSuspect
 *     (FCM answers so for every token when our sender is wrong: see sender-fault-guard.ts)
 *   THIRD_PARTY_AUTH_ERROR (401: the Firebase project's APNs or web-push credentials): configuration fault
 *   400 INVALID_ARGUMENT naming only message.token: unregistered (a malformed token)
 *   401 otherwise, our access token refused: configuration fault (refreshed and retried once first)
 *   403, 404 otherwise (the service account may not send for this project, no such project): configuration fault
 *   408, 429 (QUOTA_EXCEEDED), 5xx (INTERNAL, UNAVAILABLE): provider_down, Retry-After honoured
 *   any other 4xx (INVALID_ARGUMENT naming message.data..., a payload FCM refuses): permanent
 *   anything else (1xx, 3xx: no redirect is followed): transient
 *   no answer, the request not sent (refused, DNS, connect timeout): provider_down
 *   no answer after the request was sent (reset, timeout): ambiguous (FCM has no idempotency key,
 *     so a resend may show the notification twice)
 * A configuration fault is provider_down with configurationFault set.
 */
const RULES: readonly Rule[] = [
  [(s) => s >= 200 && s < 300, 'accepted'],
  [(s, e) => s >= 400 && s < 500 && e.errorCode === 'UNREGISTERED', 'unregistered'],
  [(s, e) => s >= 400 && s < 500 && e.errorCode === 'SENDER_ID_MISMATCH', 'sender_suspect'],
  [(_s, e) => e.errorCode === 'THIRD_PARTY_AUTH_ERROR', 'misconfigured'],
  [(s, e) => s === 400 && isInvalidArgument(e) && e.fieldViolations.length === 0, 'sender_suspect'],
  [(s, e) => s === 400 && isInvalidArgument(e) && e.fieldViolations.every((field) => field === 'message.token'), 'unregistered'],
  [(s) => s === 401, 'access_token_refused'],
  [(s) => s === 403 || s === 404, 'misconfigured'],
  [(s) => s === 408 || s === 429 || s >= 500, 'down'],
  [(s) => s >= 400 && s < 500, 'permanent'],
];

export function classifyFcmAnswer(token: string, answer: FcmAnswer): TokenResult {
  if (answer.kind === 'no_response') {
    const sent = answer.requestSent || NO_ANSWER_AFTER_SENDING.has(answer.code);
    return sent ? { token, detail: answer.error, kind: 'ambiguous' } : { token, detail: answer.error, kind: 'provider_down', configurationFault: false };
  }
  const error = parseFcmError(answer.body);
  const verdict = RULES.find(([when]) => when(answer.status, error))?.[1] ?? 'transient';
  const detail = [`${answer.status}`, error.errorCode ?? error.status].filter(Boolean).join(' ') + (error.message ? `: ${error.message}` : '') + (answer.bodyError ? ` (${answer.bodyError})` : '');
  return resultOf(token, verdict, detail, answer);
}

function resultOf(token: string, verdict: Verdict, detail: string, answer: Extract<FcmAnswer, { kind: 'response' }>): TokenResult {
  if (verdict === 'accepted') {
    const name = parseMessageName(answer.body);
    return { token, kind: 'accepted', name, detail: name ?? detail };
  }
  if (verdict === 'down') {
    // A date in Retry-After is read against the clock now: answers are classified as they arrive.
    const retryAfterMs = parseRetryAfter(answer.retryAfter ?? undefined, Date.now());
    return { token, detail, kind: 'provider_down', configurationFault: false, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  if (verdict === 'sender_suspect') return { token, detail, kind: 'unregistered', senderSuspect: true };
  if (verdict === 'misconfigured') return { token, detail, kind: 'provider_down', configurationFault: true };
  if (verdict === 'access_token_refused') return { token, detail, kind: 'provider_down', configurationFault: true, accessTokenRefused: true };
  return { token, detail, kind: verdict };
}

function isInvalidArgument(error: FcmError): boolean {
  return error.status === 'INVALID_ARGUMENT' || error.errorCode === 'INVALID_ARGUMENT';
}
