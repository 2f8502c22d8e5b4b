import { BULK_RETRY_MAX, type FailedFilter, type FailedPosition } from '../../domain/bulk-retry.js';
import type { CommandResults } from '../handler-types.js';
import type { MessageBus } from '../message-bus.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { RetryableFailures } from '../ports/retryable-failures.js';

/** A bulk retry as asked: `failedUntil` null is "up to now". */
export interface BulkRetryRequest {
  readonly filter: Omit<FailedFilter, 'failedUntil'> & { readonly failedUntil: Date | null };
  readonly dryRun: boolean;
  /** The API key that asked: every chunk's audit entry names it. */
  readonly actor: string;
}

export type BulkRetryResult =
  /** `count`: how many a run would retry now; `remaining`: how many more match beyond the cap. */
  | { readonly dryRun: true; readonly count: number; readonly remaining: number }
  /** `remaining`: how many still match after the run (beyond the cap, or held by another run meanwhile). */
  | { readonly dryRun: false; readonly run: string; readonly count: number; readonly remaining: number; readonly notificationIds: readonly string[] };

/**
 * Retries every failed notification a filter matches, at most `max` (BULK_RETRY_MAX) per call, in
 * chunks of `chunkSize`, each a RetryFailedNotifications command in a transaction of its own: no transaction
 * holds thousands of rows for seconds, and a crash midway leaves the committed chunks retried and
 * the rest retryable by running it again (docs/adr/0028-publishing-and-bulk-retry.md).
 */
export class BulkRetry {
  constructor(
    private readonly bus: Pick<MessageBus, 'handle'>,
    private readonly failures: RetryableFailures,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly settings: { readonly chunkSize: number; readonly max: number } = { chunkSize: 500, max: BULK_RETRY_MAX },
  ) {}

  async run({ filter: asked, dryRun, actor }: BulkRetryRequest): Promise<BulkRetryResult> {
    const now = this.clock.now();
    const filter: FailedFilter = { ...asked, failedUntil: asked.failedUntil !== null && asked.failedUntil < now ? asked.failedUntil : now };
    const matched = await this.failures.count(filter);
    if (dryRun) return { dryRun, count: Math.min(matched, this.settings.max), remaining: Math.max(0, matched - this.settings.max) };
    const run = this.ids.newId();
    const notificationIds = matched === 0 ? [] : await this.chunks(run, filter, actor);
    return { dryRun, run, count: notificationIds.length, remaining: await this.failures.count(filter), notificationIds };
  }

  private async chunks(run: string, filter: FailedFilter, actor: string): Promise<string[]> {
    const retried: string[] = [];
    let after: FailedPosition | null = null;
    const { chunkSize, max } = this.settings;
    while (retried.length < max) {
      const limit = Math.min(chunkSize, max - retried.length);
      const chunk: CommandResults['RetryFailedNotifications'] = await this.bus.handle({ type: 'RetryFailedNotifications', run, filter, after, limit, actor });
      retried.push(...chunk.retried.map((r) => r.notificationId));
      if (chunk.exhausted || chunk.last === null) break;
      after = chunk.last;
    }
    return retried;
  }
}
