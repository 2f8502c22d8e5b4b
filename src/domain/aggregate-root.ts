import type { DomainEvent } from './events.js';

/** Collects the events an aggregate raises until the unit of work drains them after commit. */
export abstract class AggregateRoot {
  private pending: DomainEvent[] = [];

  protected raise(event: DomainEvent): void {
    this.pending.push(event);
  }

  pullEvents(): DomainEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}
