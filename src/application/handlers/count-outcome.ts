import type { Clock } from '../ports/clock.js';
import type { EventHandler } from '../handler-types.js';
import { type OutcomeEvent, countedOutcomeOf } from '../analytics/counted-outcome.js';

/**
 * A reaction: counts a final outcome in the per-minute aggregates inside the transaction that
 * records it (docs/adr/0025-analytics-from-minute-aggregates.md), so a crash loses or doubles none.
 */
export function countOutcome<K extends OutcomeEvent['type']>(clock: Clock): EventHandler<K> {
  return {
    name: 'countOutcome',
    handle: async (event, uow) => {
      const outcome = countedOutcomeOf(event, clock.now());
      if (outcome !== null) uow.analytics.count(outcome);
    },
  };
}
