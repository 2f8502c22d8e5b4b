import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/**
 * What the sink does with one message. Entries queued with `respondWith` are consumed one per
 * message, in order; when the queue is empty a message is answered 250.
 * - reply 250: accept; the message counts as received.
 * - reply 450 / 550: refuse the data with that code (and message).
 * - dropAfterData: read the whole message, then destroy the socket without replying (RFC 1047 window).
 * - hangAfterData: read the whole message and never reply (the client's socket timeout fires).
 * - dropBeforeData: destroy the socket at RCPT TO, before any data (consumed at RCPT, not at DATA).
 * - acceptAfterMs: read the whole message, wait that long, then accept it (a slow server).
 */
export type SinkBehaviour =
  | { readonly reply: 250 }
  | { readonly reply: 450 | 550; readonly message?: string }
  | { readonly dropAfterData: true }
  | { readonly hangAfterData: true }
  | { readonly dropBeforeData: true }
  | { readonly acceptAfterMs: number };

export interface ReceivedMessage {
  /** Envelope recipients (RCPT TO). */
  readonly to: readonly string[];
  /** Envelope sender (MAIL FROM). */
  readonly from: string;
  /** The From header as text. */
  readonly fromHeader: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Message-ID without the angle brackets ('' if absent). */
  readonly messageId: string;
  /** Header values by lower-case name, unfolded; a repeated header keeps its first value. */
  readonly headers: Readonly<Record<string, string>>;
  readonly raw: string;
  readonly receivedAt: Date;
}

/** Every DATA the sink read, whatever it answered. */
export interface DataAttempt {
  readonly messageId: string;
  readonly behaviour: SinkBehaviour;
  readonly raw: string;
  readonly sessionId: string;
}

/** An SMTP reply the sink gives instead of going on. */
export interface SinkReply {
  readonly code: number;
  readonly message?: string;
}

/** Where a fault replies: the greeting, MAIL FROM, RCPT TO, or the end of the data. */
export type SinkStep = 'greeting' | 'mail' | 'rcpt' | 'data';

/**
 * A provider-side incident, switched on and off with `setFault`: while on, every step in `at`
 * (default: all of them) is answered with `reply`, and AUTH with `auth` (a sink started with
 * credentials). A 421 greeting ends the session before any command; `at: ['mail']` lets the
 * session open and refuses the first command of each message. A data refused by a fault is not
 * recorded in `allAttempts`.
 */
export interface SinkFault {
  readonly reply?: SinkReply;
  readonly at?: readonly SinkStep[];
  readonly auth?: SinkReply;
}

export interface SinkOptions {
  /**
   * Require AUTH (PLAIN, LOGIN) with these credentials before MAIL FROM. STARTTLS is never offered
   * (the sink stands for a server whose STARTTLS was stripped), so AUTH would travel in clear text.
   */
  readonly auth?: { readonly username: string; readonly password: string };
}

const ACCEPT: SinkBehaviour = { reply: 250 };
const ALL_STEPS: readonly SinkStep[] = ['greeting', 'mail', 'rcpt', 'data'];

function replyError(reply: SinkReply): Error {
  return Object.assign(new Error(reply.message ?? `fault ${reply.code}`), { responseCode: reply.code });
}

/** In-process SMTP server on 127.0.0.1 (random port) recording what it receives. */
export class SmtpSink {
  readonly messages: ReceivedMessage[] = [];
  readonly allAttempts: DataAttempt[] = [];
  /** Number of SMTP connections opened to the sink so far. */
  connections = 0;
  /** Connection errors the server reported (clients that dropped mid-transaction). */
  readonly errors: Error[] = [];
  /** Every command name the sink read, in order (EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, ...). */
  readonly commands: string[] = [];
  private queue: SinkBehaviour[] = [];
  private fault: SinkFault | null = null;
  private waiters: Array<() => void> = [];

  private readonly server: SMTPServer;
  private listeningPort = 0;

  private constructor(options: SinkOptions = {}) {
    const auth = options.auth;
    this.server = new SMTPServer({
      disabledCommands: auth ? ['STARTTLS'] : ['AUTH', 'STARTTLS'],
      authOptional: !auth,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      // The server's debug log is where it reports each command it reads.
      logger: this.commandRecorder(),
      closeTimeout: 100,
      disableReverseLookup: true,
      onConnect: (_session, callback) => {
        this.connections += 1;
        callback(this.faultAt('greeting'));
      },
      onAuth: (login, _session, callback) => {
        if (this.fault?.auth) return callback(replyError(this.fault.auth));
        if (login.username === auth?.username && login.password === auth?.password) return callback(null, { user: login.username });
        callback(replyError({ code: 535, message: 'authentication credentials invalid' }));
      },
      onMailFrom: (_address, _session, callback) => callback(this.faultAt('mail')),
      onRcptTo: (_address, session, callback) => {
        const refusal = this.faultAt('rcpt');
        if (refusal) return callback(refusal);
        const next = this.queue[0];
        if (next && 'dropBeforeData' in next) {
          this.queue.shift();
          return this.destroySocket(session);
        }
        callback();
      },
      onData: (stream, session, callback) => this.onData(stream, session, callback),
    });
    // Errors of clients that vanish mid-transaction are emitted here; unhandled they would crash the run.
    this.server.on('error', (error: Error) => this.errors.push(error));
  }

  /** Listens on `port` (default: any free port). */
  static async start(port = 0, options: SinkOptions = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(options);
    await new Promise<void>((resolve, reject) => {
      sink.server.server.once('error', reject);
      sink.server.listen(port, '127.0.0.1', () => resolve());
    });
    sink.listeningPort = (sink.server.server.address() as AddressInfo).port;
    return sink;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** Queues behaviours, each consumed by one message; later messages get 250. */
  respondWith(behaviours: readonly SinkBehaviour[]): void {
    this.queue.push(...behaviours);
  }

  /** Switches a provider-side incident on (see SinkFault), or off with null: later steps go on normally. */
  setFault(fault: SinkFault | null): void {
    this.fault = fault;
  }

  /** Resolves with the received (250) messages once there are at least `count`. */
  async waitFor(count: number, timeoutMs = 5_000): Promise<ReceivedMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`smtp sink: expected ${count} messages, got ${this.messages.length} after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return [...this.messages];
  }

  /** Received (250) messages grouped by Message-ID (without angle brackets). */
  byMessageId(): Map<string, ReceivedMessage[]> {
    const grouped = new Map<string, ReceivedMessage[]>();
    for (const message of this.messages) {
      const list = grouped.get(message.messageId) ?? [];
      list.push(message);
      grouped.set(message.messageId, list);
    }
    return grouped;
  }

  /** Forgets messages, attempts, connections, commands, queued behaviours and the fault. */
  reset(): void {
    this.messages.length = 0;
    this.allAttempts.length = 0;
    this.connections = 0;
    this.errors.length = 0;
    this.commands.length = 0;
    this.queue = [];
    this.fault = null;
  }

  async close(): Promise<void> {
    for (const connection of this.server.connections) connection._socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private faultAt(step: SinkStep): Error | null {
    const fault = this.fault;
    if (!fault?.reply || !(fault.at ?? ALL_STEPS).includes(step)) return null;
    return replyError(fault.reply);
  }

  private commandRecorder(): Record<'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', (entry: unknown) => void> {
    const ignore = (): void => undefined;
    const debug = (entry: unknown): void => {
      const { tnx, command } = (entry ?? {}) as { tnx?: unknown; command?: unknown };
      if (tnx === 'command' && typeof command === 'string') this.commands.push(command);
    };
    return { trace: ignore, debug, info: ignore, warn: ignore, error: ignore, fatal: ignore };
  }

  private destroySocket(session: SMTPServerSession): void {
    for (const connection of this.server.connections) {
      if (connection.id === session.id) connection._socket.destroy();
    }
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void): void {
    const refusal = this.faultAt('data');
    if (refusal) {
      stream.resume();
      stream.on('end', () => callback(refusal));
      return;
    }
    const behaviour = this.queue.shift() ?? ACCEPT;
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      void this.handle(Buffer.concat(chunks), behaviour, session, callback).catch((error: unknown) => {
        callback(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  private async handle(
    raw: Buffer,
    behaviour: SinkBehaviour,
    session: SMTPServerSession,
    callback: (err?: Error | null, message?: string) => void,
  ): Promise<void> {
    const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
    const messageId = (parsed.messageId ?? '').replace(/^<|>$/g, '');
    this.allAttempts.push({ messageId, behaviour, raw: raw.toString('utf8'), sessionId: session.id });
    if ('dropAfterData' in behaviour) return this.destroySocket(session);
    if ('hangAfterData' in behaviour) return;
    if ('acceptAfterMs' in behaviour) await new Promise((resolve) => setTimeout(resolve, behaviour.acceptAfterMs));
    if ('reply' in behaviour && behaviour.reply !== 250) {
      const error = new Error(behaviour.message ?? (behaviour.reply === 450 ? 'try again later' : 'mailbox unavailable'));
      (error as Error & { responseCode: number }).responseCode = behaviour.reply;
      return callback(error);
    }
    const headers: Record<string, string> = {};
    for (const { key, line } of parsed.headerLines) {
      if (!(key in headers)) headers[key] = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    }
    this.messages.push({
      to: session.envelope.rcptTo.map((r) => r.address),
      from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
      fromHeader: parsed.from?.text ?? '',
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : '',
      messageId,
      headers,
      raw: raw.toString('utf8'),
      receivedAt: new Date(),
    });
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    callback(null, `OK: queued as ${this.messages.length}`);
  }
}
