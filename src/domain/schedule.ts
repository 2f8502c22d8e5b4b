import { AggregateRoot } from './aggregate-root.js';
import { InvalidTransitionError, InvalidValueError, ScheduleNotActiveError } from './errors.js';

export const SCHEDULE_STATUSES = ['active', 'cancelled', 'completed'] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

/** The send to fire, as it was accepted: opaque here, checked again by whoever fires it. */
export type ScheduledRequest = Readonly<Record<string, unknown>>;

export interface ScheduleSnapshot {
  readonly id: string;
  readonly request: ScheduledRequest;
  /** IANA name the recurrence is evaluated in; null means UTC. */
  readonly timeZone: string | null;
  /** A cron expression; null for a one-off send. */
  readonly recurrence: string | null;
  /** The occurrence due next; null once the schedule is no longer active. */
  readonly nextFireAt: Date | null;
  readonly status: ScheduleStatus;
  /** Occurrences consumed, whether they sent something or their request was refused. */
  readonly firedCount: number;
  readonly lastFiredAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewSchedule {
  readonly id: string;
  readonly request: ScheduledRequest;
  readonly timeZone: string | null;
  readonly recurrence: string | null;
  readonly firstFireAt: Date;
}

/** The key that makes an occurrence fire once: one schedule, one scheduled instant. */
export function occurrenceKey(scheduleId: string, occurrenceAt: Date): string {
  return `${scheduleId}@${occurrenceAt.toISOString()}`;
}

/**
 * A send to fire at `nextFireAt`, once or on a recurrence. Each firing names the occurrence it
 * consumed and the next one (computed by the application's calendar); none left completes it.
 */
export class Schedule extends AggregateRoot {
  private constructor(private state: ScheduleSnapshot) {
    super();
  }

  static create(input: NewSchedule, now: Date): Schedule {
    const { request } = input;
    if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new InvalidValueError('request', 'must be a JSON object');
    const { firstFireAt: nextFireAt, ...rest } = input;
    return new Schedule({ ...rest, nextFireAt, status: 'active', firedCount: 0, lastFiredAt: null, createdAt: now, updatedAt: now });
  }

  static restore(snapshot: ScheduleSnapshot): Schedule {
    return new Schedule(snapshot);
  }

  get id(): string {
    return this.state.id;
  }

  cancel(now: Date): void {
    this.mustBeActive();
    this.state = { ...this.state, status: 'cancelled', nextFireAt: null, updatedAt: now };
  }

  /** The due occurrence was consumed; `next` null means there is none left. */
  fired(occurrenceAt: Date, next: Date | null, now: Date): void {
    const due = this.mustBeActive();
    if (occurrenceAt.getTime() !== due.getTime()) throw new InvalidTransitionError(`schedule ${this.id} is due at ${due.toISOString()}, not ${occurrenceAt.toISOString()}`);
    if (next && next <= occurrenceAt) throw new InvalidTransitionError(`schedule ${this.id}: the next occurrence must come after ${occurrenceAt.toISOString()}`);
    const { firedCount } = this.state;
    this.state = { ...this.state, status: next ? 'active' : 'completed', nextFireAt: next, firedCount: firedCount + 1, lastFiredAt: now, updatedAt: now };
  }

  snapshot(): ScheduleSnapshot {
    return this.state;
  }

  private mustBeActive(): Date {
    const { status, nextFireAt } = this.state;
    if (status !== 'active' || nextFireAt === null) throw new ScheduleNotActiveError(this.id, status);
    return nextFireAt;
  }
}
