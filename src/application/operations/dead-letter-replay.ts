import { type DeadLetterFilter, type DeadLetterPosition, REPLAY_CALL_BYTES, REPLAY_CAP, REPLAY_CHUNK_BYTES, REPLAY_CHUNK_ROWS } from '../../domain/dead-letter.js';
import type { CommandResults } from '../handler-types.js';
import type { MessageBus } from '../message-bus.js';
import type { DeadLetterReadModel } from '../ports/dead-letters.js';

/** A replay by filter names at most this many routing keys it skipped (`unroutableCapped` when there were more). */
export const UNROUTABLE_LISTED = 100;

export interface DeadLetterReplayRequest {
  readonly filter: DeadLetterFilter;
  /** The service queue's bindings: dead letters whose routing key none routes are skipped. Null: no check. */
  readonly bindings: readonly string[] | null;
  /** The API key that asked: every chunk that replayed some has an audit entry naming it. */
  readonly actor: string;
}

export interface DeadLetterReplayResult {
  readonly count: number;
  /**
   * How many more the filter matches past where this call stopped (its byte budget, or REPLAY_CAP
   * looked at), at most REPLAY_CAP: unroutable ones included, which a next call looks at and skips.
   */
  readonly remaining: number;
  /** Distinct routing keys of dead letters skipped (no binding of the service routes them), at most UNROUTABLE_LISTED. */
  readonly unroutable: readonly string[];
  /** More routing keys were skipped than `unroutable` names. */
  readonly unroutableCapped: boolean;
}

export interface DeadLetterReplayLimits {
  readonly chunkRows: number;
  readonly chunkBytes: number;
  readonly callBytes: number;
  /** Dead letters one call looks at, replayed or skipped. */
  readonly max: number;
}

const LIMITS: DeadLetterReplayLimits = { chunkRows: REPLAY_CHUNK_ROWS, chunkBytes: REPLAY_CHUNK_BYTES, callBytes: REPLAY_CALL_BYTES, max: REPLAY_CAP };

/** The routing keys a call skipped: distinct, the first UNROUTABLE_LISTED of them kept. */
class SkippedKeys {
  private readonly keys = new Set<string>();
  private more = false;

  add(keys: readonly string[]): void {
    for (const key of keys) {
      if (this.keys.size < UNROUTABLE_LISTED) this.keys.add(key);
      else if (!this.keys.has(key)) this.more = true;
    }
  }

  get listed(): string[] {
    return [...this.keys];
  }

  get capped(): boolean {
    return this.more;
  }
}

/**
 * Replays every dead letter a filter matches, newest first, in chunks (at most 100 rows or 16 MiB of
 * body each), each a ReplayDeadLetters command in a transaction of its own, audited with the dead
 * letters it replayed; one call looks at most at 10,000 (replayed or skipped as unroutable: rows it
 * cannot replay still cost it a bounded walk) and copies at most 64 MiB, and says how many remain
 * (docs/adr/0024-dead-letters-as-rows.md).
 */
export class DeadLetterReplay {
  constructor(
    private readonly bus: Pick<MessageBus, 'handle'>,
    private readonly readModel: Pick<DeadLetterReadModel, 'countReplayable'>,
    private readonly limits: DeadLetterReplayLimits = LIMITS,
  ) {}

  async run({ filter, bindings, actor }: DeadLetterReplayRequest): Promise<DeadLetterReplayResult> {
    const { chunkRows, chunkBytes, callBytes, max } = this.limits;
    let before: DeadLetterPosition | null = null;
    let [count, looked, bytes] = [0, 0, 0];
    const skipped = new SkippedKeys();
    const result = (remaining: number) => ({ count, remaining, unroutable: skipped.listed, unroutableCapped: skipped.capped });
    for (;;) {
      const maxRows = Math.min(chunkRows, max - looked);
      const chunk: CommandResults['ReplayDeadLetters'] = await this.bus.handle({ type: 'ReplayDeadLetters', filter, before, maxRows, maxBytes: Math.min(chunkBytes, callBytes - bytes), bindings, actor });
      [count, looked, bytes] = [count + chunk.count, looked + chunk.looked, bytes + chunk.bytes];
      skipped.add(chunk.unroutable);
      if (chunk.exhausted || chunk.last === null) return result(0);
      before = chunk.last;
      if (looked >= max || bytes >= callBytes) break;
    }
    return result(await this.readModel.countReplayable(filter, max, before));
  }
}
