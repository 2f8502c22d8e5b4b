import type { DeadLetterFilter, DeadLetterMessage, DeadLetterPosition, ReplayCandidate, ReplayState, StoredHeaders } from '../../domain/dead-letter.js';

/** The dead-letter table inside a unit of work's transaction (docs/adr/0024-dead-letters-as-rows.md). */
export interface DeadLetters {
  /** Stores the message as dead letter `id` unless one with its message key is there. */
  add(id: string, message: DeadLetterMessage, at: Date): Promise<'stored' | 'duplicate'>;
  /** The dead letter's replay state, locked until the transaction ends; null when none has the id. */
  lockForReplay(id: string): Promise<ReplayState | null>;
  /**
   * The dead letters a replay by filter may take, locked (those another replay holds skipped):
   * not replayed yet, whole, matching, newest first after `before`, at most `limit`.
   */
  lockReplayable(filter: DeadLetterFilter, before: DeadLetterPosition | null, limit: number): Promise<ReplayCandidate[]>;
  /**
   * Marks these dead letters, those not replayed yet (and whole), replayed at `at`, and writes one
   * outbox row for each: its body, routing key and headers, with `x-replayed-from` naming it. Answers how many.
   */
  replay(ids: readonly string[], at: Date): Promise<number>;
  /** False when no dead letter has the id. */
  discard(id: string): Promise<boolean>;
}

/** A dead letter as the API shows it. */
export interface DeadLetterView {
  readonly id: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly queue: string;
  readonly reason: string;
  readonly detail: string;
  /** The stored body; in a list, its first DEAD_LETTER_PREVIEW_BYTES (`bodyComplete` says whether that is all of it). */
  readonly body: Uint8Array;
  readonly bodyComplete: boolean;
  readonly bodyTruncated: boolean;
  readonly bodySize: number;
  readonly headers: StoredHeaders;
  readonly droppedHeaders: readonly string[];
  readonly firstDeathAt: Date;
  readonly lastDeathAt: Date;
  readonly deathCount: number;
  readonly replayOf: string | null;
  readonly replayedAt: Date | null;
  readonly createdAt: Date;
}

/** One dead letter with the later dead letters that replay it (oldest first). */
export interface DeadLetterDetail extends DeadLetterView {
  readonly replays: readonly string[];
}

/** A page by number (from 1), or after a cursor (null: the first). */
export type DeadLetterPaging = { readonly page: number; readonly size: number } | { readonly cursor: string | null; readonly size: number };

export interface DeadLetterPage {
  readonly items: readonly DeadLetterView[];
  /** How many match the filter, on every page, counted up to DEAD_LETTERS_TOTAL_CAP. */
  readonly total: number;
  /** More than DEAD_LETTERS_TOTAL_CAP match: `total` is that cap. */
  readonly totalCapped: boolean;
  readonly nextCursor: string | null;
}

/** Read side (may be served by the standby). Newest first: created_at, then id. */
export interface DeadLetterReadModel {
  page(filter: DeadLetterFilter, paging: DeadLetterPaging): Promise<DeadLetterPage>;
  find(id: string): Promise<DeadLetterDetail | null>;
  /** How many a replay by this filter would cover now (after `before`, when given), at most `cap`. */
  countReplayable(filter: DeadLetterFilter, cap: number, before?: DeadLetterPosition | null): Promise<number>;
}
