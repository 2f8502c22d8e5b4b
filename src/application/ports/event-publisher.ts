/** An integration event as it leaves the service (the outbox relay hands these to the broker). */
export interface OutboundEvent {
  readonly eventId: string;
  /** Dotted name, also the routing key: `notification.sent`. */
  readonly routingKey: string;
  /** Class name, the AMQP `type`: `NotificationSent`. */
  readonly className: string;
  readonly correlationId: string | null;
  /** The JSON body; empty when `raw` is set. */
  readonly body: Readonly<Record<string, unknown>>;
  /** A message published again as it was received (a dead letter's replay): its own bytes, headers and properties. */
  readonly raw?: RawMessage;
  /**
   * Straight to the service's own queue (the default exchange, routing key = the queue's name), not
   * the events exchange: an event the service publishes to itself (docs/adr/0028-publishing-and-bulk-retry.md).
   */
  readonly toOwnQueue?: boolean;
}

/** An empty `className` publishes without an AMQP type. */
export interface RawMessage {
  readonly body: Uint8Array;
  readonly headers: Readonly<Record<string, unknown>>;
  /** Kept from the first publish, so the consumer's inbox tells a replay of an accepted event for the duplicate it is. */
  readonly messageId: string | null;
  readonly contentType: string | null;
}

/** Publishes to the broker; resolves only once the broker confirmed and no return preceded it. */
export interface EventPublisher {
  publish(event: OutboundEvent): Promise<void>;
}
