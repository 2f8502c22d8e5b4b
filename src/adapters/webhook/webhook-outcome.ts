import type { SendOutcome } from '../../domain/send-outcome.js';
import { printable } from '../observability/printable.js';
// One Retry-After reading for every HTTP channel (SMS's, until it moves to src/adapters/http).
import { retryAfterMs } from '../http/retry-after.js';

/*
 * How a receiver's answer is classified (first match wins; failures without an answer are in
 * webhook-failure.ts):
 *
 *   2xx             accepted; receivers give no id of their own (providerMessageId null)
 *   410 Gone        permanent, and the URL is named rejected `gone`: the endpoint is disabled until
 *                   its URL is set again
 *   408, 429, 5xx   provider_down: the endpoint is down or shedding load, not this message; no
 *                   attempt is used, the endpoint's breaker counts it, Retry-After is honoured
 *   3xx             permanent: redirects are not followed (the signed payload would go to a place
 *                   the user never set, possibly a private address)
 *   anything else   permanent: 400, 401 (our signature refused), 404, 413, ...
 */

/** The parts of a receiver's answer that decide: its status, two headers, the start of its body. */
export interface WebhookAnswer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly location: string | null;
  /** Printable, at most 200 characters (response-excerpt.ts). */
  readonly excerpt: string;
}

interface Rule {
  readonly when: (status: number) => boolean;
  readonly outcome: (url: string, answer: WebhookAnswer, now: number) => SendOutcome;
}

const RULES: readonly Rule[] = [
  { when: (s) => s >= 200 && s < 300, outcome: (_url, a) => ({ kind: 'accepted', response: `HTTP ${a.status}`, providerMessageId: null }) },
  { when: (s) => s === 410, outcome: gone },
  { when: (s) => s === 408 || s === 429 || s >= 500, outcome: endpointDown },
  { when: (s) => s >= 300 && s < 400, outcome: (_url, a) => refused(a, `redirects are not followed (HTTP ${a.status} to ${printable(a.location ?? 'nowhere', 200)})`) },
];
const OTHERWISE: Rule = { when: () => true, outcome: (_url, a) => refused(a, `the endpoint refused the request with HTTP ${a.status}`) };

/** Maps the answer `url` (the recipient, as stored) gave to one send, at `now` (ms). */
export function classifyAnswer(url: string, answer: WebhookAnswer, now: number): SendOutcome {
  return (RULES.find((rule) => rule.when(answer.status)) ?? OTHERWISE).outcome(url, answer, now);
}

function gone(url: string, answer: WebhookAnswer): SendOutcome {
  const error = 'the endpoint answered 410 Gone: it is disabled until its URL is set again';
  return { kind: 'permanent', error, response: responseOf(answer), rejected: [{ address: url, reason: 'gone' }] };
}

function endpointDown(_url: string, answer: WebhookAnswer, now: number): SendOutcome {
  const wait = retryAfterMs(answer.retryAfter ?? undefined, now);
  const error = `the endpoint is failing: HTTP ${answer.status}`;
  const outcome = { kind: 'provider_down', error, response: responseOf(answer), attempted: true, configurationFault: false } as const;
  return wait === undefined ? outcome : { ...outcome, retryAfterMs: wait };
}

function refused(answer: WebhookAnswer, error: string): SendOutcome {
  return { kind: 'permanent', error, response: responseOf(answer) };
}

function responseOf(answer: WebhookAnswer): string {
  return answer.excerpt === '' ? `HTTP ${answer.status}` : `HTTP ${answer.status} ${answer.excerpt}`;
}
