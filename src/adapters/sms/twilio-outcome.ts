import type { SendOutcome } from '../../domain/send-outcome.js';
import { smsSegments } from '../../domain/sms-segments.js';
import type { HttpAnswer } from './http-answer.js';
import { retryAfterMs } from '../http/retry-after.js';
import { describeAnswer, readTwilioJson, type TwilioJson } from './twilio-json.js';

/*
 * How Twilio's answer to POST …/Messages.json is classified; rules in order, first match wins.
 *
 *   accepted        2xx: the message resource; its `sid` is the provider id (null if unreadable).
 *   provider_down, configurationFault   401, 403 (SMS_ACCOUNT_SID / SMS_AUTH_TOKEN refused); 3xx
 *                   (SMS_API_BASE_URL is not the API: no redirect is followed); 404 (SMS_ACCOUNT_SID
 *                   or the base URL); 400 refusing SMS_FROM or SMS_MESSAGING_SERVICE_SID: 21212
 *                   invalid From, 21603 From missing, 21659 From not a Twilio number, 21701 / 21705
 *                   no such or invalid Messaging Service. Every message would fail so until the
 *                   operator acts; as permanent all would be failed for good.
 *   provider_down   408, 429, 5xx (Retry-After honoured); 400 21611 (our sender's queue is full).
 *   permanent, rejected opted_out   400 21610: the recipient replied STOP.
 *   permanent       21211 (invalid To), 21614 (To not a mobile number). 21606 (From cannot send to
 *                   this destination: a short code abroad), 21612 (the destination's country or
 *                   network refuses this To and From), 21408 (SMS to the To's region not enabled):
 *                   refusals of one destination, which as provider_down would open the breaker for
 *                   every SMS and come back for ever. The cost: a From that can reach no one at all
 *                   (21606) fails each SMS at once. Any other 4xx, with or without a readable body.
 *   provider_down   anything else (a status outside 200–599): no working API answered.
 */

export interface TwilioSendContext {
  /** The `To` sent: the address a STOP answer names. */
  readonly to: string;
  /** The `Body` sent: its segments are counted when Twilio does not say. */
  readonly body: string;
  readonly nowMs: number;
}

type Answer = TwilioJson & { readonly status: number; readonly retryAfter: string | undefined };
type Verdict = 'permanent' | 'opted_out' | 'down' | 'misconfigured';
/** When a rule applies, its verdict, and why in the operator's words (before Twilio's own). */
type Rule = { readonly when: (answer: Answer) => boolean; readonly verdict: Verdict; readonly why?: string };

const between = (low: number, high: number) => (a: Answer) => a.status >= low && a.status <= high;
const codeIn = (...codes: number[]) => (a: Answer) => a.code !== null && codes.includes(a.code);

const RULES: readonly Rule[] = [
  { when: (a) => a.status === 401 || a.status === 403, verdict: 'misconfigured', why: 'Twilio refused the credentials SMS_ACCOUNT_SID and SMS_AUTH_TOKEN' },
  { when: between(300, 399), verdict: 'misconfigured', why: 'SMS_API_BASE_URL answered with a redirect, which is never followed' },
  { when: (a) => a.status === 404, verdict: 'misconfigured', why: 'no such account resource: check SMS_ACCOUNT_SID and SMS_API_BASE_URL' },
  { when: (a) => a.status === 408 || a.status === 429 || between(500, 599)(a), verdict: 'down' },
  { when: codeIn(21610), verdict: 'opted_out', why: 'the recipient opted out (replied STOP)' },
  { when: codeIn(21211, 21614), verdict: 'permanent' },
  { when: codeIn(21606, 21612, 21408), verdict: 'permanent', why: 'Twilio will not send from our sender to this destination' },
  { when: codeIn(21212, 21603, 21659, 21701, 21705), verdict: 'misconfigured', why: 'Twilio refused the sender SMS_FROM or SMS_MESSAGING_SERVICE_SID, so it would refuse every message' },
  { when: codeIn(21611), verdict: 'down', why: "the sender's queue at Twilio is full" },
  { when: between(400, 499), verdict: 'permanent' },
];
const UNRECOGNISED: Rule = { when: () => true, verdict: 'down', why: 'no working API answered' };

/** Maps Twilio's HTTP answer to the outcome of the send (see the table above). */
export function classifyTwilioAnswer(http: HttpAnswer, context: TwilioSendContext): SendOutcome {
  const answer: Answer = { ...readTwilioJson(http.body), status: http.status, retryAfter: http.retryAfter };
  if (between(200, 299)(answer)) return accepted(answer, context);
  const rule = RULES.find((candidate) => candidate.when(answer)) ?? UNRECOGNISED;
  const response = describeAnswer(answer, http);
  const error = rule.why === undefined ? `Twilio answered ${response}` : `${rule.why}: Twilio answered ${response}`;
  if (rule.verdict === 'permanent') return { kind: 'permanent', error, response };
  if (rule.verdict === 'opted_out') return { kind: 'permanent', error, response, rejected: [{ address: context.to, reason: 'opted_out' }] };
  const wait = retryAfterMs(answer.retryAfter, context.nowMs);
  const configurationFault = rule.verdict === 'misconfigured';
  return { kind: 'provider_down', error, response, attempted: true, configurationFault, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
}

function accepted(answer: Answer, context: TwilioSendContext): SendOutcome {
  const segments = answer.numSegments ?? smsSegments(context.body).segments;
  const what = [answer.sid ?? 'without a readable sid', answer.messageStatus].filter((part) => part !== null).join(' ');
  return { kind: 'accepted', response: `${answer.status} ${what}, ${segments} segment${segments === 1 ? '' : 's'}`, providerMessageId: answer.sid };
}
