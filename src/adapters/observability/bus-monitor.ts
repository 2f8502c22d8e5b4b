import type { BusMonitor } from '../../application/ports/bus-monitor.js';
import type { Command } from '../../domain/commands.js';
import type { DomainEvent } from '../../domain/events.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';

export class ObservedBusMonitor implements BusMonitor {
  constructor(
    private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
  ) {}

  handled(message: Command | DomainEvent, durationMs: number): void {
    this.metrics.messagesHandled.inc({ message_type: message.type });
    this.logger.debug({ message_type: message.type, duration_ms: Math.round(durationMs) }, 'message handled');
  }

  committed(event: DomainEvent): void {
    const status =
      event.type === 'NotificationRecorded' ? event.status : event.type === 'NotificationSent' ? 'sent' : event.type === 'NotificationFailed' ? 'failed' : null;
    if (status && (event.type === 'NotificationRecorded' || event.type === 'NotificationSent' || event.type === 'NotificationFailed')) {
      this.metrics.notifications.inc({ type: event.notificationType, channel: event.channel, status });
    }
  }

  eventHandlerFailed(event: DomainEvent, handlerName: string, error: unknown): void {
    this.metrics.eventHandlerFailures.inc({ event_type: event.type, handler: handlerName });
    this.logger.error({ err: error, event_type: event.type, handler: handlerName }, 'event handler failed');
  }
}
