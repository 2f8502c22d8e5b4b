import { AmqpConsumer } from '../../adapters/rabbitmq/amqp-consumer.js';
import { AmqpEventPublisher } from '../../adapters/rabbitmq/amqp-event-publisher.js';
import { AmqpSession } from '../../adapters/rabbitmq/amqp-session.js';
import { declareTopology } from '../../adapters/rabbitmq/topology.js';
import { DeadLetterHoldings } from '../amqp/dead-letter-holdings.js';
import { deadLetterMover } from '../amqp/dead-letter-mover.js';
import { eventDeliveryHandler } from '../amqp/event-delivery-handler.js';
import { OutboxRelay } from '../workers/outbox-relay.js';
import type { Factories } from './factory-types.js';

export const brokerFactories: Pick<Factories, 'broker' | 'outboxRelay'> = {
  broker: (get) => {
    const amqp = get('config').amqp;
    if (!amqp) return null;
    const logger = get('logger');
    // The relay holds its transaction while it waits for confirms: wait less than the database
    // lets a transaction sit idle, or every batch would be rolled back and published again.
    const confirmTimeoutMs = Math.max(1_000, Math.floor(get('config').database.statementTimeoutMs * 0.6));
    const publisher = new AmqpEventPublisher(amqp.exchange, confirmTimeoutMs, logger, amqp.queue);
    const handler = eventDeliveryHandler(get('bus'), logger, get('metrics'), { initialMs: 200, maxMs: 10_000 }, get('config').failpointHandlerThrowsOn);
    const consumerOptions = { deliveryLimit: amqp.deliveryLimit, deadLettered: get('metrics').deadLettered };
    const consumer = new AmqpConsumer(amqp.queue, amqp.deadLetterExchange, amqp.prefetch, handler, logger, consumerOptions);
    // The dead-letter queue's mover (ADR 24): it never dead-letters (no delivery limit) and holds what it cannot store.
    const deadLetterHoldings = new DeadLetterHoldings();
    const moverDeps = { bus: get('bus'), clock: get('clock'), logger, metrics: get('metrics'), backoff: { initialMs: 200, maxMs: 10_000 }, holdings: deadLetterHoldings };
    const mover = deadLetterMover({ ...moverDeps, pauseAfterCommitMs: get('config').failpointDeadLetterPauseMs });
    const deadLetters = new AmqpConsumer(amqp.deadLetterQueue, amqp.deadLetterExchange, amqp.deadLetterPrefetch, mover, logger, { deliveryLimit: Number.MAX_SAFE_INTEGER });
    const session = new AmqpSession(
      { url: amqp.url, heartbeatSeconds: amqp.heartbeatSeconds, connectionName: 'notification-service', reconnectInitialMs: 250, reconnectMaxMs: 15_000 },
      [(connection) => declareTopology(connection, amqp), publisher.setup, consumer.setup, deadLetters.setup],
      logger,
      (error) => get('lifecycle').onFatal(error),
    );
    return { session, publisher, consumer, deadLetters, deadLetterHoldings };
  },
  outboxRelay: (get) => {
    const broker = get('broker');
    // Confirmed outcomes are copied to the admin streams through the stream relay (ADR 19).
    const outcomes = get('streamBroker')?.relay ?? null;
    return broker ? new OutboxRelay(get('outboxStore'), broker.publisher, get('config').outbox, get('metrics'), get('logger'), outcomes) : null;
  },
};
