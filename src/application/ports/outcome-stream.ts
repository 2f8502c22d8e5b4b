import type { OutboundEvent } from './event-publisher.js';

/**
 * Relays a notification outcome (`notification.sent`, `notification.failed`), once the broker
 * confirmed it on the events exchange, to the admin streams of every instance. A copy on the
 * side: best effort, never awaited, never throws; the event itself went where ADR 5 says.
 */
export interface OutcomeStream {
  publishOutcome(event: OutboundEvent): void;
}
