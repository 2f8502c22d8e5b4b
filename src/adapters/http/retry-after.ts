const DELAY_SECONDS = /^\d+$/;

/**
 * A Retry-After header (RFC 9110 section 10.2.3) in milliseconds from `nowMs`: delay-seconds or an
 * HTTP date. Undefined when absent or unreadable; a date already past gives 0. How long is too long
 * is the delivery core's call (retry-plans.ts caps it), not the adapter's.
 */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  const value = header?.trim();
  if (value === undefined || value === '') return undefined;
  if (DELAY_SECONDS.test(value)) return Number(value) * 1_000;
  const at = Date.parse(value);
  if (Number.isNaN(at) || !/[A-Za-z]/.test(value)) return undefined;
  return Math.max(0, at - nowMs);
}
