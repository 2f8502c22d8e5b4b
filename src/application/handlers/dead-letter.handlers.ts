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

/** The first candidates within `maxBytes` of body, one at least: a transaction copies a bounded amount into the outbox. */
function takenWithin(candidates: readonly ReplayCandidate[], maxBytes: number): ReplayCandidate[] {
  let bytes = 0;
  const taken: ReplayCandidate[] = [];
  for (const candidate of candidates) {
    if (taken.length > 0 && bytes + candidate.bodySize > maxBytes) break;
    bytes += candidate.bodySize;
    taken.push(candidate);
  }
  return taken;
}

/** One chunk of a replay by filter (docs/adr/0024-dead-letters-as-rows.md); replayed ones and truncated bodies are left out. */
export function replayDeadLetters(clock: Clock): CommandHandler<'ReplayDeadLetters'> {
  return async ({ filter, before, maxRows, maxBytes, bindings }, uow) => {
    const candidates = await uow.deadLetters.lockReplayable(filter, before, maxRows + 1);
    const taken = takenWithin(candidates.slice(0, maxRows), maxBytes);
    const chosen = taken.filter((d) => routable(bindings ?? null, d));
    const unroutable = [...new Set(taken.filter((d) => !chosen.includes(d)).map((d) => d.routingKey))];
    const count = chosen.length === 0 ? 0 : await uow.deadLetters.replay(chosen.map((d) => d.id), clock.now());
    const last = taken.at(-1);
    const bytes = chosen.reduce((sum, d) => sum + d.bodySize, 0);
    return { count, ids: chosen.map((d) => d.id), bytes, last: last ? { createdAt: last.createdAt, id: last.id } : null, exhausted: candidates.length === taken.length, unroutable };
  };
}

export function discardDeadLetter(): CommandHandler<'DiscardDeadLetter'> {
  return async ({ deadLetterId }, uow) => {
    if (!(await uow.deadLetters.discard(deadLetterId))) throw new DeadLetterNotFoundError(deadLetterId);
  };
}
