/**
 * The baseline of the ws phase, as a process of its own: a bare `ws` server that relays what the
 * service relays, the outcome events of the bench vhost (its own exclusive queue bound to
 * `notification.sent` and `notification.failed`, consumed without acks), each message's body
 * written as it came to every client. None of the service's code: what the machine allows for
 * the fan-out. Its first message is its port.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import amqp from 'amqplib';
import { WebSocketServer } from 'ws';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
const listening = once(server, 'listening');
const connection = await amqp.connect(process.env.BASELINE_RABBITMQ_URL ?? '');
const channel = await connection.createChannel();
const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
for (const key of ['notification.sent', 'notification.failed']) await channel.bindQueue(queue, 'notification.events', key);
await channel.consume(queue, (message) => {
  if (!message) return;
  for (const client of server.clients) client.send(message.content, { binary: false });
}, { noAck: true });
await listening;
process.send?.({ port: (server.address() as AddressInfo).port });
process.on('disconnect', () => process.exit(0));
