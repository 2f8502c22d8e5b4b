import { type DeadLetterFilter, type DeadLetterPosition, REPLAY_CALL_BYTES, REPLAY_CAP, REPLAY_CHUNK_BYTES, REPLAY_CHUNK_ROWS } from '../../domain/dead-letter.js';
import type { CommandResults } from '../handler-types.js';
import type { MessageBus } from '../message-bus.js';
import type { DeadLetterReadModel } from '../ports/dead-letters.js';

export interface DeadLetterReplayRequest {
  readonly filter: DeadLetterFilter;
  /** The service queue's bindings: dead letters whose routing key none routes are skipped. Null: no check. */
  readonly bindings: readonly string[] | null;
  /** The API key that asked: every chunk's audit entry names it. */
  readonly actor: string;
}

export interface DeadLetterReplayResult {
  readonly count: number;
  /** How many more the filter matches past where this call stopped (its byte or count budget), at most REPLAY_CAP. */
  readonly remaining: number;
  /** Routing keys of dead letters skipped: no binding of the service routes them. */
  readonly unroutable: readonly string[];
}

export interface DeadLetterReplayLimits {
  readonly chunkRows: number;
  readonly chunkBytes: number;
  readonly callBytes: number;
  readonly max: number;
}

const LIMITS: DeadLetterReplayLimits = { chunkRows: REPLAY_CHUNK_ROWS, chunkBytes: REPLAY_CHUNK_BYTES, callBytes: REPLAY_CALL_BYTES, max: REPLAY_CAP };

/**
 * Replays every dead letter a filter matches, newest first, in chunks (at most 100 rows or 16 MiB of
 * body each), each a ReplayDeadLetters command in a transaction of its own, audited with the dead
 * letters it replayed; one call copies at most 64 MiB and 10,000, and says how many remain
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
    let count = 0;
    let bytes = 0;
    const unroutable = new Set<string>();
    for (;;) {
      const maxRows = Math.min(chunkRows, max - count);
      const chunk: CommandResults['ReplayDeadLetters'] = await this.bus.handle({ type: 'ReplayDeadLetters', filter, before, maxRows, maxBytes: Math.min(chunkBytes, callBytes - bytes), bindings, actor });
      count += chunk.count;
      bytes += chunk.bytes;
      chunk.unroutable.forEach((key) => unroutable.add(key));
      if (chunk.exhausted || chunk.last === null) return { count, remaining: 0, unroutable: [...unroutable] };
      before = chunk.last;
      if (count >= max || bytes >= callBytes) break;
    }
    return { count, remaining: await this.readModel.countReplayable(filter, max, before), unroutable: [...unroutable] };
  }
}
