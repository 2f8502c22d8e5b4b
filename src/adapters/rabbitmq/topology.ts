import type { Channel, ChannelModel } from 'amqplib';
import { FatalBrokerError } from './amqp-session.js';

export interface Topology {
  readonly exchange: string;
  readonly queue: string;
  readonly bindings: readonly string[];
  readonly deadLetterExchange: string;
  readonly deadLetterQueue: string;
}

const QUORUM = { 'x-queue-type': 'quorum' };

/**
 * Declares the topology of README "Events in and out" idempotently. Queue arguments are only the queue type:
 * delivery limit, dead-lettering, overflow and max length come from a policy (ADR 5), because
 * arguments can never change after declaration. A queue or exchange already declared with other
 * arguments makes the broker refuse (406): that is drift, and no reconnection would fix it.
 */
export async function declareTopology(connection: ChannelModel, t: Topology): Promise<void> {
  const channel = await connection.createChannel();
  // A refused declaration closes the channel; the error surfaces on the awaited call.
  channel.on('error', () => undefined);
  try {
    await declare(channel, t);
    await channel.close();
  } catch (error) {
    throw asDrift(error, t);
  }
}

async function declare(channel: Channel, t: Topology): Promise<void> {
  await channel.assertExchange(t.exchange, 'topic', { durable: true });
  // The exchange's alternate exchange (set by policy) keeps what no queue is bound for.
  const unroutable = `${t.exchange}.unroutable`;
  await channel.assertExchange(unroutable, 'fanout', { durable: true });
  await channel.assertQueue(unroutable, { durable: true, arguments: QUORUM });
  await channel.bindQueue(unroutable, unroutable, '');
  await channel.assertExchange(t.deadLetterExchange, 'fanout', { durable: true });
  await channel.assertQueue(t.deadLetterQueue, { durable: true, arguments: QUORUM });
  await channel.bindQueue(t.deadLetterQueue, t.deadLetterExchange, '');
  await channel.assertQueue(t.queue, { durable: true, arguments: QUORUM });
  for (const pattern of t.bindings) await channel.bindQueue(t.queue, t.exchange, pattern);
}

function asDrift(error: unknown, t: Topology): unknown {
  const code = (error as { code?: unknown }).code;
  if (code !== 406) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new FatalBrokerError(
    `RabbitMQ topology drift: an exchange or queue (${t.exchange}, ${t.queue}, ${t.deadLetterQueue}) exists with other ` +
      `arguments than this service declares (${detail}). Delete or migrate it, or configure other names; nothing was consumed.`,
  );
}

/**
 * The fanout exchange through which every instance tells every other (and itself) of feed changes
 * for their WebSocket streams (ADR 19). Durable, so that it outlives a broker restart; what goes
 * through it is not (each instance's queue is its own, exclusive and auto-deleted).
 */
export async function declareStreamExchange(channel: Channel, name: string): Promise<void> {
  await channel.assertExchange(name, 'fanout', { durable: true });
}
