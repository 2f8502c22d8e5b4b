import type { AuditTarget } from '../../domain/audit.js';
import type { CommandOf } from '../../domain/commands.js';
import type { DeadLetterFilter } from '../../domain/dead-letter.js';
import type { CommandResults, HandlerRegistry } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import { audited } from './audited.js';

type DeadLetterCommands = Pick<HandlerRegistry['commands'], 'ReplayDeadLetter' | 'ReplayDeadLetters' | 'DiscardDeadLetter'>;

function filterDetail(filter: DeadLetterFilter) {
  return { reason: filter.reason, routing_key: filter.routingKey, from: filter.from?.toISOString() ?? null, to: filter.to?.toISOString() ?? null, include_replays: filter.includeReplays ?? false };
}

/** A chunk of a replay by filter, naming its dead letters; none for a chunk that replayed nothing (it only skipped unroutable ones). */
function chunkTarget(c: CommandOf<'ReplayDeadLetters'>, r: CommandResults['ReplayDeadLetters']): AuditTarget | null {
  return r.count === 0 ? null : { type: 'dead_letters', id: 'filter', detail: { ...filterDetail(c.filter), count: r.count, dead_letter_ids: [...r.ids] } };
}

/** The dead-letter admin actions, each recording an audit entry when an API key asked for it (a replay by filter: one per chunk that replayed some, naming its dead letters). */
export function auditedDeadLetterCommands(clock: Clock, handlers: DeadLetterCommands): DeadLetterCommands {
  return {
    ReplayDeadLetter: audited(clock, 'dead_letter.replayed', (c) => ({ type: 'dead_letter', id: c.deadLetterId }), handlers.ReplayDeadLetter),
    ReplayDeadLetters: audited(clock, 'dead_letters.replayed', chunkTarget, handlers.ReplayDeadLetters),
    DiscardDeadLetter: audited(clock, 'dead_letter.discarded', (c) => ({ type: 'dead_letter', id: c.deadLetterId }), handlers.DiscardDeadLetter),
  };
}
