import amqp from 'amqplib';
import type { RabbitmqBound } from '../results.js';
import { log, round, wallNow } from '../util.js';

const QUEUE = 'bench.raw';
/** The service's default per-consumer prefetch (RABBITMQ_PREFETCH). */
const PREFETCH = 20;
const BODY = Buffer.from(JSON.stringify({ event_id: '00000000-0000-4000-8000-000000000000', data: 'x'.repeat(430) }));

/** Publish with confirms, then consume with one ack per message, on a quorum queue of the bench vhost. */
export async function measureRabbitmq(url: string, messages: number): Promise<RabbitmqBound> {
  const connection = await amqp.connect(url);
  try {
    const publisher = await connection.createConfirmChannel();
    await publisher.deleteQueue(QUEUE);
    await publisher.assertQueue(QUEUE, { durable: true, arguments: { 'x-queue-type': 'quorum' } });

    const publishStart = wallNow();
    for (let i = 0; i < messages; i += 1_000) {
      for (let j = i; j < Math.min(messages, i + 1_000); j++) publisher.sendToQueue(QUEUE, BODY, { persistent: true, contentType: 'application/json' });
      await publisher.waitForConfirms();
    }
    const publishConfirmRate = messages / ((wallNow() - publishStart) / 1_000);
    log(`  RabbitMQ publish with confirms: ${round(publishConfirmRate)} messages/s`);

    const consumer = await connection.createChannel();
    await consumer.prefetch(PREFETCH, false);
    const consumeStart = wallNow();
    let consumed = 0;
    await new Promise<void>((resolve) => {
      void consumer.consume(QUEUE, (m) => {
        if (!m) return;
        consumer.ack(m);
        if (++consumed === messages) resolve();
      });
    });
    const consumeAckRate = messages / ((wallNow() - consumeStart) / 1_000);
    log(`  RabbitMQ consume with acks (prefetch ${PREFETCH}): ${round(consumeAckRate)} messages/s`);
    await consumer.close();
    await publisher.deleteQueue(QUEUE);
    return { messages, messageBytes: BODY.length, prefetch: PREFETCH, publishConfirmRate: round(publishConfirmRate), consumeAckRate: round(consumeAckRate) };
  } finally {
    await connection.close().catch(() => undefined);
  }
}
