import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { NodemailerEmailSender, type NodemailerEmailSenderSettings } from '../../../src/adapters/email/nodemailer-email-sender.js';
import type { OutgoingMessage, RenderedFor } from '../../../src/application/ports/channel-sender.js';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import { SmtpSink } from '../../support/smtp-sink.js';

export function settingsFor(port: number, overrides: Partial<NodemailerEmailSenderSettings> = {}): NodemailerEmailSenderSettings {
  return {
    host: '127.0.0.1',
    port,
    secure: false,
    startTls: false,
    allowInsecureAuth: false,
    from: 'Notification Service <notifications@example.test>',
    pool: { maxConnections: 2, maxMessages: 100 },
    connectionTimeoutMs: 2_000,
    greetingTimeoutMs: 2_000,
    socketTimeoutMs: 5_000,
    ...overrides,
  };
}

export function aMessage(overrides: Partial<OutgoingMessage> = {}, content: Partial<RenderedFor<'email'>> = {}): OutgoingMessage {
  const id = randomUUID();
  return {
    notificationId: id,
    notificationType: 'email_verification',
    userId: null,
    recipient: 'ada@example.com',
    correlationId: `corr-${id.slice(0, 8)}`,
    content: {
      channel: 'email',
      subject: 'Bestätigen Sie Ihre E-Mail-Adresse ✓',
      html: `<p>Hello <b>Ada</b>, your code is ${id.slice(0, 6)}.</p>`,
      text: `Hello Ada, your code is ${id.slice(0, 6)}.`,
      ...content,
    },
    ...overrides,
  };
}

/** The Message-ID (without angle brackets) the sender gives a message, From at example.test. */
export function messageIdOf(message: OutgoingMessage): string {
  return `${message.notificationId}@example.test`;
}

/** A port with nothing listening on it. */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function timed(send: Promise<SendOutcome>): Promise<{ outcome: SendOutcome; ms: number }> {
  const started = performance.now();
  const outcome = await send;
  return { outcome, ms: performance.now() - started };
}

/** A TCP server that accepts connections and never says a word (no SMTP greeting). */
export async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port: (server.address() as net.AddressInfo).port, close };
}

/** The outcome without its texts, for comparing kinds and flags. */
export function flagsOf(outcome: SendOutcome): Record<string, unknown> {
  const { error: _error, response: _response, ...flags } = outcome as SendOutcome & { error?: string };
  return flags;
}

/**
 * A sink for the whole suite and a sender per test (closed after it), registered as mocha hooks.
 * `open` builds the sender on the sink, or on another port, with the suite's settings and the test's.
 */
export function senderOnSink(sinkOptions?: Parameters<typeof SmtpSink.start>[1], base: Partial<NodemailerEmailSenderSettings> = {}) {
  const world = { sink: undefined as unknown as SmtpSink, sender: undefined as NodemailerEmailSender | undefined };
  before(async () => {
    world.sink = await SmtpSink.start(0, sinkOptions);
  });
  afterEach(async () => {
    await world.sender?.close();
    world.sender = undefined;
    world.sink.reset();
  });
  after(async () => {
    await world.sink.close();
  });
  const open = (overrides: Partial<NodemailerEmailSenderSettings> = {}, port = world.sink.port): NodemailerEmailSender => {
    world.sender = new NodemailerEmailSender(settingsFor(port, { ...base, ...overrides }));
    return world.sender;
  };
  return { open, sink: () => world.sink };
}
