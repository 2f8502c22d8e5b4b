import { type ReplayCandidate, checkReplayable, checkRoutable, routable } from '../../domain/dead-letter.js';
import { DeadLetterNotFoundError } from '../../domain/errors.js';
import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';

/**
 * Stores a message of the dead-letter queue. Idempotent by its message key: the mover acks after
 * this commits, so a crash in between redelivers a message that is already stored (docs/adr/0024-dead-letters-as-rows.md).
 */
export function storeDeadLetter(deps: { readonly clock: Clock; readonly ids: IdGenerator }): CommandHandler<'StoreDeadLetter'> {
  return async ({ message }, uow) => ({ outcome: await uow.deadLetters.add(deps.ids.newId(), message, deps.clock.now()) });
}

/** Republished through the outbox, in the transaction that marks it replayed: once, and never lost. */
export function replayDeadLetter(clock: Clock): CommandHandler<'ReplayDeadLetter'> {
  return async ({ deadLetterId, bindings }, uow) => {
    const state = await uow.deadLetters.lockForReplay(deadLetterId);
    if (!state) throw new DeadLetterNotFoundError(deadLetterId);
    checkReplayable(state);
    checkRoutable(bindings ?? null, state);
    const replayedAt = clock.now();
    await uow.deadLetters.replay([deadLetterId], replayedAt);
    return { id: deadLetterId, replayedAt };
  };
}

interface Chunk {
  /** Every row the chunk went through, in order: replayed or skipped. */
  readonly looked: readonly ReplayCandidate[];
  readonly chosen: readonly ReplayCandidate[];
  readonly bytes: number;
}

/**
 * The first `maxRows` candidates, those a binding routes chosen within `maxBytes` of body (one at
 * least: the chunk ends before the one that would pass it), the others skipped. A skipped row copies
 * nothing, so only the chosen ones' bodies count.
 */
function chunkOf(candidates: readonly ReplayCandidate[], maxRows: number, maxBytes: number, bindings: readonly string[] | null): Chunk {
  let bytes = 0;
  const looked: ReplayCandidate[] = [];
  const chosen: ReplayCandidate[] = [];
  for (const candidate of candidates.slice(0, maxRows)) {
    const replays = routable(bindings, candidate);
    if (replays && chosen.length > 0 && bytes + candidate.bodySize > maxBytes) break;
    looked.push(candidate);
    if (!replays) continue;
    bytes += candidate.bodySize;
    chosen.push(candidate);
  }
  return { looked, chosen, bytes };
}

/**
 * One chunk of a replay by filter (docs/adr/0024-dead-letters-as-rows.md): at most `maxRows` looked
 * at, replayed or skipped (replayed ones and truncated bodies are not candidates; unroutable ones are skipped).
 */
export function replayDeadLetters(clock: Clock): CommandHandler<'ReplayDeadLetters'> {
  return async ({ filter, before, maxRows, maxBytes, bindings }, uow) => {
    const candidates = await uow.deadLetters.lockReplayable(filter, before, maxRows + 1);
    const { looked, chosen, bytes } = chunkOf(candidates, maxRows, maxBytes, bindings ?? null);
    const unroutable = [...new Set(looked.filter((d) => !chosen.includes(d)).map((d) => d.routingKey))];
    const count = chosen.length === 0 ? 0 : await uow.deadLetters.replay(chosen.map((d) => d.id), clock.now());
    const last = looked.at(-1);
    const position = last ? { createdAt: last.createdAt, id: last.id } : null;
    return { count, ids: chosen.map((d) => d.id), bytes, looked: looked.length, last: position, exhausted: candidates.length === looked.length, unroutable };
  };
}

export function discardDeadLetter(): CommandHandler<'DiscardDeadLetter'> {
  return async ({ deadLetterId }, uow) => {
    if (!(await uow.deadLetters.discard(deadLetterId))) throw new DeadLetterNotFoundError(deadLetterId);
  };
}
