import type { SendOutcome } from './send-outcome.js';

/**
 * How an attempt ended, as the history records it. `provider_down`: the provider as a whole
 * failed; such an attempt is shown but never counts against the retry plan.
 */
export const ATTEMPT_OUTCOMES = ['accepted', 'transient_failure', 'permanent_failure', 'ambiguous', 'provider_down'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export interface DeliveryAttempt {
  readonly number: number;
  readonly attemptedAt: Date;
  readonly outcome: AttemptOutcome;
  readonly response: string | null;
  readonly error: string | null;
  readonly latencyMs: number;
}

export type AttemptResult = Omit<DeliveryAttempt, 'number'>;

export interface AttemptTiming {
  readonly attemptedAt: Date;
  readonly latencyMs: number;
}

const RECORDED_AS: { readonly [K in SendOutcome['kind']]: AttemptOutcome } = {
  accepted: 'accepted',
  transient: 'transient_failure',
  permanent: 'permanent_failure',
  ambiguous: 'ambiguous',
  provider_down: 'provider_down',
};

/** The one mapping from a sender's answer to the attempt the history shows. */
export function attemptOf(outcome: SendOutcome, { attemptedAt, latencyMs }: AttemptTiming): AttemptResult {
  return {
    attemptedAt,
    latencyMs: Math.round(latencyMs),
    outcome: RECORDED_AS[outcome.kind],
    response: outcome.response,
    error: outcome.kind === 'accepted' ? null : outcome.error,
  };
}

/** Attempts that count against the retry plan: every one but `provider_down`. */
export function countedAttempts(attempts: readonly DeliveryAttempt[]): number {
  return attempts.filter((a) => a.outcome !== 'provider_down').length;
}
