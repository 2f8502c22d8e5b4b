import type { Clock } from '../ports/clock.js';
import { RETAINED_TABLES, type RetainedTable, type RetentionStore } from '../ports/retention-store.js';

/** How long each table keeps its rows, in milliseconds. */
export type RetentionPolicy = { readonly [T in RetainedTable]: number };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Inbox rows outlive any redelivery; idempotency keys any client retry; notifications a quarter. */
export const DEFAULT_RETENTION: RetentionPolicy = {
  inbox: 14 * DAY,
  idempotency_keys: 24 * HOUR,
  outbox: 72 * HOUR,
  notifications: 90 * DAY,
  feed_items: 90 * DAY,
  // Measured from expiry: an expired stream ticket opens nothing, so it goes at the next run.
  ws_tickets: 0,
  // Long enough to look into a weekend's incident and replay it (ADR 24).
  dead_letters: 30 * DAY,
  // Who did what stays answerable for a year (docs/adr/0027-audit-log.md).
  audit_log: 365 * DAY,
  // Analytics answer windows of up to 400 days (ADR 25).
  analytics_counts: 400 * DAY,
  analytics_delivery_times: 400 * DAY,
};

/** Analytics shards are folded once their period ended this long ago: no transaction still writes it. */
export const FOLD_AFTER_MS = 10 * 60_000;

export interface RetentionSettings {
  readonly policy: RetentionPolicy;
  readonly batchSize: number;
  /** Batches per table per run: a large backlog is worked off over several runs, never in one burst. */
  readonly maxBatches: number;
}

export type PruneCounts = Readonly<Record<RetainedTable, number>>;

/**
 * Keeps every table bounded: deletes what is past its age, in small batches off the hot path.
 * (One-time secrets need no pass of their own: a notification loses them in the write that makes
 * it final.)
 */
export class Retention {
  constructor(
    private readonly store: RetentionStore,
    private readonly clock: Clock,
    private readonly settings: RetentionSettings,
    /** Told when folding the analytics shards fails: the prunes run all the same. */
    private readonly foldFailed: (error: unknown) => void = () => undefined,
  ) {}

  /**
   * `stopping` is asked between fold transactions and between prune batches: a shutdown waits for
   * one transaction at most, never a whole run (a fold backlog after days down is hundreds).
   */
  async runOnce(stopping: () => boolean = () => false): Promise<PruneCounts> {
    const counts: Record<string, number> = {};
    await this.fold(stopping);
    for (const table of RETAINED_TABLES) {
      const olderThan = new Date(this.clock.now().getTime() - this.settings.policy[table]);
      counts[table] = await this.batches(() => this.store.prune(table, olderThan, this.settings.batchSize), stopping);
    }
    return counts as PruneCounts;
  }

  /** A failed fold (unfolded shards only make reads a little larger) never stops the prunes. */
  private async fold(stopping: () => boolean): Promise<void> {
    try {
      await this.store.foldAnalytics(new Date(this.clock.now().getTime() - FOLD_AFTER_MS), stopping);
    } catch (error) {
      this.foldFailed(error);
    }
  }

  private async batches(batch: () => Promise<number>, stopping: () => boolean): Promise<number> {
    let total = 0;
    for (let i = 0; i < this.settings.maxBatches && !stopping(); i++) {
      const done = await batch();
      total += done;
      if (done < this.settings.batchSize) break;
    }
    return total;
  }
}
