import type { RecordedStatus } from '../../application/handler-types.js';
import type { DeliveryMonitor } from '../../application/ports/delivery-monitor.js';
import type { NotificationSnapshot } from '../../domain/notification-request.js';
import type { SendOutcome } from '../../domain/send-outcome.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';

/** The delivery use case's reports as metrics and one log line per recorded attempt. */
export class ObservedDeliveryMonitor implements DeliveryMonitor {
  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly logger: Logger,
  ) {}

  resending(notification: NotificationSnapshot): void {
    this.metrics.ambiguousResends.inc({ channel: notification.channel });
    this.logger.warn({ notification_id: notification.id, lease_expiries: notification.leaseExpiries }, 'resending after an expired lease');
  }

  answered({ channel }: NotificationSnapshot, outcome: SendOutcome): void {
    if (outcome.kind === 'provider_down') this.metrics.sendsDeferred.inc({ channel });
    if (outcome.kind !== 'provider_down' || outcome.attempted) this.metrics.sendAttempts.inc({ channel, outcome: outcome.kind });
    // The next attempt resends what may already have arrived, with the same id.
    if (outcome.kind === 'ambiguous') this.metrics.ambiguousResends.inc({ channel });
  }

  recorded(n: NotificationSnapshot, outcome: SendOutcome | null, status: RecordedStatus): void {
    if (status === 'sent') this.metrics.deliveryLatency.observe({ type: n.type }, (Date.now() - n.createdAt.getTime()) / 1000);
    if (status === 'retrying' && outcome?.kind !== 'provider_down') this.metrics.retries.inc({ type: n.type });
    const fields = { notification_id: n.id, type: n.type, channel: n.channel, priority: n.priority, outcome: outcome?.kind ?? 'abandoned', status };
    if (status === 'failed') this.logger.warn({ ...fields, error: outcome && 'error' in outcome ? outcome.error : 'lease expired' }, 'notification failed');
    else this.logger.info(fields, 'send attempt recorded');
  }
}
