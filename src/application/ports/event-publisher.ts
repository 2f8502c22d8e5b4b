/** An integration event as it leaves the service (the outbox relay hands these to the broker). */
export interface OutboundEvent {
  readonly eventId: string;
  /** Dotted name, also the routing key: `notification.sent`. */
  readonly routingKey: string;
  /** Class name, the AMQP `type`: `NotificationSent`. */
  readonly className: string;
  readonly correlationId: string | null;
  readonly body: Readonly<Record<string, unknown>>;
}

/** Publishes to the broker; resolves only once the broker confirmed and no return preceded it. */
export interface EventPublisher {
  publish(event: OutboundEvent): Promise<void>;
}
