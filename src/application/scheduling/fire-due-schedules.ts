import type { AfterCommitHook } from '../message-bus.js';
import type { Clock } from '../ports/clock.js';
import type { ScheduleCalendar } from '../ports/schedule-calendar.js';
import type { ScheduledSender } from '../ports/scheduled-sender.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import type { Reactor, UnitOfWorkFactory } from '../unit-of-work.js';
import { OccurrenceFiring } from './occurrence-firing.js';
import { RefusedOccurrence } from './refused-occurrence.js';

export interface FireDueSchedulesDeps {
  readonly unitOfWork: UnitOfWorkFactory;
  readonly calendar: ScheduleCalendar;
  readonly sender: ScheduledSender;
  readonly clock: Clock;
  /** Occurrences fired per tick at most; more due make the tick report more work. */
  readonly batchSize: number;
  /** Occurrences fired at once, each in its own transaction (claims skip each other's locked rows). */
  readonly concurrency?: number;
  /** The bus's reactions and after-commit hook, for the events the sender's writes raise. */
  readonly react?: Reactor;
  readonly afterCommit?: AfterCommitHook;
}

export interface FiringReport {
  /** Occurrences consumed, the refused ones included. */
  readonly fired: number;
  readonly refused: readonly RefusedOccurrence[];
  /** More occurrences may be due right now. */
  readonly more: boolean;
}

/**
 * Fires the due occurrences of schedules, each in a transaction of its own: the schedule claimed
 * (locked; other instances skip it), its occurrence's key taken (schedule_occurrences: a key taken
 * before is not fired again), the notifications requested, the schedule moved on. Occurrences
 * missed while no instance ran collapse into one firing, keyed by the earliest of them. A request
 * refused when it falls due rolls its transaction back and is recorded in a fresh one, with the
 * reason and no notifications; the schedule moves on, so it cannot hold the others up.
 */
export class FireDueSchedules {
  private readonly firing: OccurrenceFiring;

  constructor(private readonly deps: FireDueSchedulesDeps) {
    this.firing = new OccurrenceFiring(deps.calendar, deps.sender);
  }

  async tick(): Promise<FiringReport> {
    const refused: RefusedOccurrence[] = [];
    let fired = 0;
    let drained = false;
    const lane = async (): Promise<void> => {
      while (!drained && fired < this.deps.batchSize) {
        fired++;
        const result = await this.fireNext();
        if (result === 'none') {
          fired--;
          drained = true;
        } else if (result instanceof RefusedOccurrence) refused.push(result);
      }
    };
    // Every lane ends before the tick does, a failing one too: the next tick never overlaps this one.
    const lanes = await Promise.allSettled(Array.from({ length: Math.max(1, this.deps.concurrency ?? 1) }, lane));
    const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) throw failed.reason;
    return { fired, refused, more: !drained };
  }

  private async fireNext(): Promise<'none' | 'fired' | RefusedOccurrence> {
    try {
      return (await this.inTransaction((uow) => this.firing.fireEarliest(uow, this.deps.clock.now()))) ? 'fired' : 'none';
    } catch (error) {
      if (!(error instanceof RefusedOccurrence)) throw error;
      await this.inTransaction((uow) => this.firing.recordRefusal(uow, error, this.deps.clock.now()));
      return error;
    }
  }

  private async inTransaction<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    const { result, events } = await this.deps.unitOfWork().execute(work, this.deps.react);
    this.deps.afterCommit?.(events);
    return result;
  }
}
