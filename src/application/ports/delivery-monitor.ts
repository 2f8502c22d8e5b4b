import type { NotificationSnapshot } from '../../domain/notification-request.js';
import type { SendOutcome } from '../../domain/send-outcome.js';
import type { RecordedStatus } from '../handler-types.js';

/** Where the delivery use case reports what it did: metrics and log lines live behind this port. */
export interface DeliveryMonitor {
  /** A claim took over an expired lease: the earlier send may have arrived. */
  resending(notification: NotificationSnapshot): void;
  /** The sender answered (or the circuit refused it). */
  answered(notification: NotificationSnapshot, outcome: SendOutcome, latencyMs: number): void;
  /** The answer was recorded and moved the notification to `status`. */
  recorded(notification: NotificationSnapshot, outcome: SendOutcome | null, status: RecordedStatus): void;
}
