import type { DeadLetterFilter } from '../../domain/dead-letter.js';
import type { HandlerRegistry } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import { audited } from './audited.js';

type DeadLetterCommands = Pick<HandlerRegistry['commands'], 'ReplayDeadLetter' | 'ReplayDeadLetters' | 'DiscardDeadLetter'>;

function filterDetail(filter: DeadLetterFilter) {
  return { reason: filter.reason, routing_key: filter.routingKey, from: filter.from?.toISOString() ?? null, to: filter.to?.toISOString() ?? null, include_replays: filter.includeReplays ?? false };
}

/** The dead-letter admin actions, each recording an audit entry when an API key asked for it (a replay by filter: one per chunk, naming its dead letters). */
export function auditedDeadLetterCommands(clock: Clock, handlers: DeadLetterCommands): DeadLetterCommands {
  return {
    ReplayDeadLetter: audited(clock, 'dead_letter.replayed', (c) => ({ type: 'dead_letter', id: c.deadLetterId }), handlers.ReplayDeadLetter),
    ReplayDeadLetters: audited(clock, 'dead_letters.replayed', (c, r) => ({ type: 'dead_letters', id: 'filter', detail: { ...filterDetail(c.filter), count: r.count, dead_letter_ids: [...r.ids] } }), handlers.ReplayDeadLetters),
    DiscardDeadLetter: audited(clock, 'dead_letter.discarded', (c) => ({ type: 'dead_letter', id: c.deadLetterId }), handlers.DiscardDeadLetter),
  };
}
