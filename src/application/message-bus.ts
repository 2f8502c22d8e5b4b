import type { Command, CommandType } from '../domain/commands.js';
import type { DomainEvent } from '../domain/events.js';
import type { CommandHandler, CommandResults, EventHandler, HandlerRegistry } from './handler-types.js';
import type { BusMonitor } from './ports/bus-monitor.js';
import type { UnitOfWork } from './ports/unit-of-work.js';
import type { UnitOfWorkFactory } from './unit-of-work.js';

/**
 * Told, right after each commit, of the events it raised: the one place where committed work wakes
 * what acts on it in this process (delivery workers, the outbox relay). Only for what may be lost:
 * the rows are the truth, and other instances find them by polling.
 */
export type AfterCommitHook = (events: readonly DomainEvent[]) => void;

/**
 * Dispatches commands and domain events, each in its own unit of work.
 *
 * Policy:
 * - A command goes to exactly one handler; its error reaches the caller, and nothing it did commits.
 * - Reactions to the events a handler raises run in the handler's own transaction (the registry's
 *   `reactions`): they commit with it, and their failure fails it.
 * - An event goes to every handler registered for it. A handler that fails is reported to the
 *   monitor (log line and metric) and its unit of work rolls back; the other handlers still run.
 * - Events raised by a handler's aggregates are dispatched after its commit: per aggregate in the
 *   order raised, aggregates in the order the unit of work first saw them.
 * - Stateless and re-entrant: each `handle` call has its own queue and units of work, so
 *   concurrent calls never share either.
 */
export class MessageBus {
  constructor(
    private readonly registry: HandlerRegistry,
    private readonly unitOfWork: UnitOfWorkFactory,
    private readonly monitor: BusMonitor,
    private readonly afterCommit: AfterCommitHook = () => undefined,
  ) {}

  handle<C extends Command>(message: C): Promise<CommandResults[C['type']]>;
  handle(message: DomainEvent): Promise<void>;
  async handle(message: Command | DomainEvent): Promise<unknown> {
    if (!this.isCommand(message)) return this.dispatch([message]);
    const started = performance.now();
    const handler = this.registry.commands[message.type] as CommandHandler<CommandType>;
    const { result, events } = await this.unitOfWork().execute((uow) => handler(message as never, uow), this.react);
    this.monitor.handled(message, performance.now() - started);
    this.afterCommit(events);
    await this.dispatch(events);
    return result;
  }

  /** The registry's reactions, for a use case that runs its own units of work (firing schedules). */
  readonly react = async (event: DomainEvent, uow: UnitOfWork): Promise<void> => {
    const reactions = this.registry.reactions[event.type] as ReadonlyArray<EventHandler<DomainEvent['type']>>;
    for (const reaction of reactions) await reaction.handle(event as never, uow);
  };

  private isCommand(message: Command | DomainEvent): message is Command {
    return Object.hasOwn(this.registry.commands, message.type);
  }

  private async dispatch(initial: DomainEvent[]): Promise<void> {
    const queue = [...initial];
    for (let event = queue.shift(); event !== undefined; event = queue.shift()) {
      this.monitor.committed(event);
      const handlers = this.registry.events[event.type] as ReadonlyArray<EventHandler<DomainEvent['type']>>;
      for (const handler of handlers) queue.push(...(await this.runEventHandler(handler, event)));
    }
  }

  private async runEventHandler(handler: EventHandler<DomainEvent['type']>, event: DomainEvent): Promise<DomainEvent[]> {
    const started = performance.now();
    try {
      const { events } = await this.unitOfWork().execute((uow) => handler.handle(event as never, uow), this.react);
      this.monitor.handled(event, performance.now() - started);
      this.afterCommit(events);
      return events;
    } catch (error) {
      this.monitor.eventHandlerFailed(event, handler.name, error);
      return [];
    }
  }
}
