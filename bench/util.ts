import { performance } from 'node:perf_hooks';

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on this machine. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One line of progress on stdout, prefixed with the time of day. */
export function log(message: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Rounds to `digits` decimals (figures in the report). */
export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Nearest-rank percentile of already sorted values (0 when there are none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

export interface Progress {
  readonly done: boolean;
  /** Any number that grows while work gets done; a stall is measured on it. */
  readonly progress: number;
  readonly status: string;
}

/**
 * Polls `probe` until it reports done. Fails when the progress number has not moved for
 * `stallMs`, rather than after a fixed time, so large sizes on a slow service still finish.
 */
export async function waitUntil(what: string, probe: () => Promise<Progress>, stallMs = 60_000, pollMs = 200): Promise<void> {
  let last = Number.NaN;
  let movedAt = Date.now();
  let loggedAt = Date.now();
  for (;;) {
    const state = await probe();
    if (state.done) return;
    if (state.progress !== last) {
      last = state.progress;
      movedAt = Date.now();
    }
    if (Date.now() - movedAt > stallMs) throw new Error(`${what}: no progress for ${stallMs / 1000} s (${state.status})`);
    if (Date.now() - loggedAt >= 10_000) {
      log(`  ${what}: ${state.status}`);
      loggedAt = Date.now();
    }
    await sleep(pollMs);
  }
}

/** Digits of the index at the end of a bench phone number (bench/mixed-events.ts). */
export const PHONE_INDEX_DIGITS = 6;

/**
 * The tag of a bench recipient: `<tag>-<i>@bench.example.com` (an email address), `<tag>-<i>` (a
 * device token), a URL ending in `/<tag>-<i>` (a webhook), or `+<tag><i>` with the index in its
 * last six digits (a phone number: its tag is digits too).
 */
export function tagOf(recipient: string): string {
  if (recipient.startsWith('+')) return recipient.slice(1, -PHONE_INDEX_DIGITS);
  const at = recipient.indexOf('@');
  const name = at >= 0 ? recipient.slice(0, at) : recipient.slice(recipient.lastIndexOf('/') + 1);
  return name.slice(0, name.lastIndexOf('-'));
}

/** The recipient of the `i`th message of a tag. */
export function recipientOf(tag: string, i: number): string {
  return `${tag}-${i}@bench.example.com`;
}
