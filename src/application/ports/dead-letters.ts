import type { DeadLetterFilter, DeadLetterMessage, ReplayState, StoredHeaders } from '../../domain/dead-letter.js';

/** Which dead letters one replay covers: these ids, or the newest `limit` the filter matches. */
export type ReplaySelection = { readonly ids: readonly string[] } | { readonly filter: DeadLetterFilter; readonly limit: number };

/** The dead-letter table inside a unit of work's transaction (docs/adr/0024-dead-letters-as-rows.md). */
export interface DeadLetters {
  /** Stores the message as dead letter `id` unless one with its message key is there. */
  add(id: string, message: DeadLetterMessage, at: Date): Promise<'stored' | 'duplicate'>;
  /** The dead letter's replay state, locked until the transaction ends; null when none has the id. */
  lockForReplay(id: string): Promise<ReplayState | null>;
  /**
   * Marks the selected dead letters not replayed yet (and whole) replayed at `at`, and writes one
   * outbox row for each: its body, routing key and headers, with `x-replayed-from` naming it. Answers how many.
   */
  replay(selection: ReplaySelection, at: Date): Promise<number>;
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
  readonly body: Uint8Array;
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
  /** How many match the filter, on every page. */
  readonly total: number;
  readonly nextCursor: string | null;
}

/** Read side (may be served by the standby). Newest first: created_at, then id. */
export interface DeadLetterReadModel {
  page(filter: DeadLetterFilter, paging: DeadLetterPaging): Promise<DeadLetterPage>;
  find(id: string): Promise<DeadLetterDetail | null>;
  /** How many a replay by this filter would cover now, at most `cap`. */
  countReplayable(filter: DeadLetterFilter, cap: number): Promise<number>;
}
