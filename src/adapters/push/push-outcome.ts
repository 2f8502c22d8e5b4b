import type { RejectedAddress, SendOutcome } from '../../domain/send-outcome.js';
import type { TokenResult } from './fcm-answer.js';

const MAX_RESPONSE = 2_000;

/**
 * One notification's outcome from its tokens' results. Sent when at least one device took it
 * (the first accepted message's name is the provider id). Otherwise the class that gives the rest
 * the best chance: provider_down if any token met an outage (retried without using an attempt),
 * else transient, else ambiguous, else permanent. Dead tokens are listed in `rejected` wherever
 * the outcome has that field; provider_down and ambiguous have none, and the resend finds them
 * again.
 */
export function pushOutcome(results: readonly TokenResult[]): SendOutcome {
  const response = summary(results);
  const rejected: RejectedAddress[] = results.filter((r) => r.kind === 'unregistered').map((r) => ({ address: r.token, reason: 'unregistered' }));
  const withRejected = rejected.length > 0 ? { rejected } : {};
  const accepted = results.flatMap((r) => (r.kind === 'accepted' ? [r] : []));
  if (accepted.length > 0) {
    return { kind: 'accepted', response, providerMessageId: accepted.find((r) => r.name !== null)?.name ?? null, ...withRejected };
  }
  const down = results.flatMap((r) => (r.kind === 'provider_down' ? [r] : []));
  if (down.length > 0) return providerDown(down, response);
  const transient = results.find((r) => r.kind === 'transient');
  if (transient) return { kind: 'transient', error: `FCM: ${transient.detail}`, response, ...withRejected };
  const ambiguous = results.find((r) => r.kind === 'ambiguous');
  if (ambiguous) return { kind: 'ambiguous', error: `FCM may have the push: ${ambiguous.detail}`, response };
  const permanent = results.find((r) => r.kind === 'permanent');
  const error = permanent ? `FCM refused the push: ${permanent.detail}` : 'FCM: every device token is unregistered';
  return { kind: 'permanent', error, response, ...withRejected };
}

type DownResult = Extract<TokenResult, { kind: 'provider_down' }>;

/** A configuration fault wins (the operator must act), and the longest Retry-After (every token must wait it). */
function providerDown(down: readonly DownResult[], response: string): SendOutcome {
  const configurationFault = down.some((r) => r.configurationFault);
  const first = down.find((r) => r.configurationFault === configurationFault) ?? down[0];
  const retryAfterMs = Math.max(0, ...down.map((r) => r.retryAfterMs ?? 0));
  const error = `FCM: ${first?.detail ?? 'provider down'}`;
  return { kind: 'provider_down', error, response, attempted: true, configurationFault, ...(retryAfterMs > 0 ? { retryAfterMs } : {}) };
}

/** Each token's result, the token shortened to its last 8 characters (enough to find it, not to use it). */
export function summary(results: readonly TokenResult[]): string {
  const accepted = results.filter((r) => r.kind === 'accepted').length;
  const parts = results.map((r) => `${shortToken(r.token)} ${r.kind === 'accepted' ? r.detail : `${r.kind} (${r.detail})`}`);
  return `${accepted} of ${results.length} device tokens accepted: ${parts.join('; ')}`.slice(0, MAX_RESPONSE);
}

export function shortToken(token: string): string {
  return `…${token.slice(-8)}`;
}
