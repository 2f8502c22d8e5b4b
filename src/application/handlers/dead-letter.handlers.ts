import { REPLAY_CAP, checkReplayable } from '../../domain/dead-letter.js';
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
  return async ({ deadLetterId }, uow) => {
    const state = await uow.deadLetters.lockForReplay(deadLetterId);
    if (!state) throw new DeadLetterNotFoundError(deadLetterId);
    checkReplayable(state);
    const replayedAt = clock.now();
    await uow.deadLetters.replay({ ids: [deadLetterId] }, replayedAt);
    return { id: deadLetterId, replayedAt };
  };
}

/** Those replayed before, or with a truncated body, are left out; at most REPLAY_CAP per command. */
export function replayDeadLetters(clock: Clock): CommandHandler<'ReplayDeadLetters'> {
  return async ({ filter }, uow) => ({ count: await uow.deadLetters.replay({ filter, limit: REPLAY_CAP }, clock.now()) });
}

export function discardDeadLetter(): CommandHandler<'DiscardDeadLetter'> {
  return async ({ deadLetterId }, uow) => {
    if (!(await uow.deadLetters.discard(deadLetterId))) throw new DeadLetterNotFoundError(deadLetterId);
  };
}
