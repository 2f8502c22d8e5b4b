import type { ScheduledRequest } from '../../domain/schedule.js';
import type { UnitOfWork } from './unit-of-work.js';

/**
 * Requests the notifications of one occurrence of a schedule, in the occurrence's own transaction:
 * they commit with its record and the schedule's move to the next occurrence, or not at all.
 * `occurrenceKey` is unique per schedule and scheduled instant (occurrenceKey in schedule.ts).
 *
 * Throws a DomainError (an InvalidValueError naming the field, say) when the request cannot be sent
 * any more: the transaction rolls back, whatever it wrote, and the occurrence is recorded as refused
 * in a fresh one. So a value PostgreSQL would refuse must surface as such an error, not as the
 * database's. Any other error (ConcurrentModificationError included) leaves the occurrence due,
 * to be fired again at the next tick.
 */
export interface ScheduledSender {
  /** The ids of the notifications requested; none when, say, the recipient opted out. */
  fire(uow: UnitOfWork, request: ScheduledRequest, occurrenceKey: string): Promise<readonly string[]>;
}
