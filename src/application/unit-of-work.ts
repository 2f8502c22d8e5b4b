import type { AggregateRoot } from '../domain/aggregate-root.js';
import type { DomainEvent } from '../domain/events.js';
import { isPublished, toOutboundEvent } from './integration-events.js';
import type { Clock } from './ports/clock.js';
import type { IdGenerator } from './ports/id-generator.js';
import type { AggregateTracker, UnitOfWork } from './ports/unit-of-work.js';

export interface UnitOfWorkOutcome<T> {
  readonly result: T;
  /** Every event raised inside the transaction, handed over only after it committed. */
  readonly events: DomainEvent[];
}

/** Runs inside the transaction for each event raised there; its writes commit with the cause. */
export type Reactor = (event: DomainEvent, uow: UnitOfWork) => Promise<void>;

/** What outbox rows are stamped with: a fresh event id, the time, the current correlation id. */
export interface EventStamping {
  readonly ids: IdGenerator;
  readonly clock: Clock;
  correlationId(): string | null;
}

class SeenAggregates implements AggregateTracker {
  private readonly aggregates = new Set<AggregateRoot>();

  seen<T extends AggregateRoot | null>(aggregate: T): T {
    if (aggregate) this.aggregates.add(aggregate);
    return aggregate;
  }

  drain(): DomainEvent[] {
    return [...this.aggregates].flatMap((aggregate) => aggregate.pullEvents());
  }
}

/**
 * The one transaction boundary (docs/architecture.md, rule 4), shared by the real and the fake unit of work so that
 * the two cannot drift in how events are collected (rule 6). In one transaction `execute`:
 * 1. runs the work;
 * 2. drains the events of every aggregate the repositories saw, and runs the reactor on each
 *    (reactions may raise more events: drained again until none are left);
 * 3. writes every published event to the outbox (rule 5: effects that must not be lost are rows);
 * 4. commits, and only then hands the events over. A throw anywhere rolls everything back.
 */
export abstract class AbstractUnitOfWork {
  constructor(private readonly stamping: EventStamping) {}

  async execute<T>(work: (uow: UnitOfWork) => Promise<T>, react?: Reactor): Promise<UnitOfWorkOutcome<T>> {
    const tracker = new SeenAggregates();
    const events: DomainEvent[] = [];
    const result = await this.transaction(tracker, async (uow) => {
      const result = await work(uow);
      for (let batch = tracker.drain(); batch.length > 0; batch = tracker.drain()) {
        events.push(...batch);
        if (react) for (const event of batch) await react(event, uow);
      }
      const published = events.filter(isPublished);
      if (published.length > 0) await uow.outbox.add(published.map((event) => this.outbound(event)), this.stamping.clock.now());
      return result;
    });
    return { result, events };
  }

  /** Opens a transaction, builds the repositories from it, runs `work`, commits or rolls back. */
  protected abstract transaction<T>(tracker: AggregateTracker, work: (uow: UnitOfWork) => Promise<T>): Promise<T>;

  private outbound(event: Parameters<typeof toOutboundEvent>[0]) {
    const { ids, clock } = this.stamping;
    return toOutboundEvent(event, { eventId: ids.newId(), occurredAt: clock.now(), correlationId: this.stamping.correlationId() });
  }
}

/** Makes a fresh unit of work per message (docs/architecture.md, rule 3). */
export type UnitOfWorkFactory = () => AbstractUnitOfWork;
