/** A delay that doubles with each try, from `initialMs` up to `maxMs`. */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * The one backoff of the code base (broker reconnects, events held through a database outage,
 * outcomes waiting for the database, notifications deferred while their provider is down): the
 * delay before try `attempt` (1 for the first retry), drawn uniformly from
 * [0, min(maxMs, initialMs * 2^(attempt - 1))] ("full jitter"), so that many waiters that failed
 * together do not come back together.
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, attempt - 1), 30);
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** exponent);
  return Math.round(random() * ceiling);
}

/** `ms` moved by up to ±`fraction` of itself, uniformly: `jittered(10_000, 0.2)` is 8 to 12 s. */
export function jittered(ms: number, fraction: number, random: () => number = Math.random): number {
  return Math.round(ms * (1 - fraction + 2 * fraction * random()));
}
