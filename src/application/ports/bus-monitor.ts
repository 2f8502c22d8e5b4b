import type { Command } from '../../domain/commands.js';
import type { DomainEvent } from '../../domain/events.js';

/** Where the message bus reports what it does: logs and metrics live behind this port. */
export interface BusMonitor {
  handled(message: Command | DomainEvent, durationMs: number): void;
  /** Every event a committed unit of work raised, whether or not anything handles it. */
  committed(event: DomainEvent): void;
  /** An event handler failed; the other handlers of the event still ran. */
  eventHandlerFailed(event: DomainEvent, handlerName: string, error: unknown): void;
}
