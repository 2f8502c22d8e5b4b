import { PassThrough, pipeline, type Readable } from 'node:stream';
import nodemailer, {
  type Mail,
  type NodemailerError,
  type SendMailOptions,
  type SMTPPoolOptions,
  type SMTPPoolSentMessageInfo,
} from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type { EmailSender, OutgoingEmail, SendOutcome } from '../../application/ports/email-sender.js';

export interface NodemailerEmailSenderSettings {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS from the first byte (port 465). */
  readonly secure: boolean;
  /** Require STARTTLS: refuse to send if the server does not offer it. When false, nodemailer upgrades if offered. */
  readonly startTls: boolean;
  readonly username?: string;
  readonly password?: string;
  readonly from: string;
  readonly pool: { readonly maxConnections: number; readonly maxMessages: number };
  readonly connectionTimeoutMs: number;
  readonly greetingTimeoutMs: number;
  /** Inactivity bound on every wait for the server, including the reply to the end of DATA. */
  readonly socketTimeoutMs: number;
}

/*
 * Classification of a send (RFC 5321 reply classes, RFC 1047 for the ambiguous window).
 *
 *   accepted   the server answered the end of DATA with 2xx: `info.response`, e.g. "250 OK: queued as X".
 *   permanent  an SMTP 5xx reply (except 503, see below) to MAIL FROM, RCPT TO, DATA or the end of
 *              data (err.code EENVELOPE / EMESSAGE, err.command 'MAIL FROM' / 'RCPT TO' / 'DATA');
 *              EENVELOPE / EMESSAGE / EMAXRECIPIENTS raised by nodemailer itself without a reply
 *              (no valid recipient, invalid sender, message over the SIZE limit); and anything this
 *              adapter refuses before connecting (CR/LF in the recipient, subject or a header, more
 *              than one recipient, a reserved header name). Sending the same message again would
 *              get the same answer.
 *   transient  a 4xx reply (and 503 "bad sequence of commands": a session-state problem that a new
 *              connection does not have; nodemailer also marks it `permanent: false`), and every
 *              failure without a reply before the message data was handed over: connection refused
 *              (ESOCKET), DNS (EDNS), TLS (ETLS), connection or greeting timeout (ETIMEDOUT
 *              CONNECT_TIMEOUT / GREETING_TIMEOUT), a drop or socket timeout during EHLO/MAIL/RCPT,
 *              the pool being closed. The server cannot have taken a message it never received.
 *              A 5xx to the greeting, EHLO or STARTTLS (EPROTOCOL / ECONNECTION / ETLS) refuses the
 *              session, not this message (blocklisting, overload): transient too, like a refusal.
 *              EAUTH/ENOAUTH (authentication refused or credentials missing) are classified
 *              transient on purpose: the message is fine, the service's credentials or the
 *              provider's auth backend are not, and 454 is a temporary auth failure by definition.
 *              Permanent would fail every notification in flight for an operator error that is
 *              fixed by a config change; transient keeps them on the backoff schedule (bounded by the
 *              attempt limit, and the breaker opens), and verify() reports the error on /health.
 *   ambiguous  no reply, after the whole message was handed to the connection (so the final "." may
 *              have reached the server): the connection dropped or the socket timed out while we
 *              waited for the reply to the end of data. The server may have delivered it.
 *
 * nodemailer's errors cannot tell the last two apart, so this adapter observes the data phase itself.
 * Observed with nodemailer 10.6.0 against smtp-server 3.21.6 (tests/integration/email):
 *
 *   server destroys the socket after reading the data, before replying:
 *     { code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' }  no responseCode
 *   server never answers the data (socketTimeout 500 ms):
 *     { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'SOCKET_TIMEOUT', message: 'Timeout' }  no responseCode
 *   server destroys the socket at RCPT TO, before DATA:
 *     { code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' }  identical shape
 *   nothing listening:
 *     { code: 'ESOCKET', command: 'CONN', originalCode: 'ECONNREFUSED', syscall: 'connect' }  within ~5 ms
 *   server accepts TCP but never greets (greetingTimeout 500 ms):
 *     { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'GREETING_TIMEOUT', message: 'Greeting never received' }
 *   unknown host: { code: 'EDNS', command: 'CONN', originalCode: 'ENOTFOUND' }
 *   450 / 550 to the end of data:
 *     { code: 'EMESSAGE', command: 'DATA', responseCode: 450 | 550, permanent: false | true,
 *       response: '450 try later', message: 'Message failed: 450 try later' }
 *   no usable recipient (checked by nodemailer before connecting):
 *     { code: 'EENVELOPE', command: 'API', message: 'No recipients defined' }
 *
 * The command is 'CONN' for every dropped connection, wherever it happened, so `command` cannot place
 * the failure. Instead a 'stream' plugin wraps the message stream nodemailer hands to the SMTP
 * connection; once that stream has been read to its end, the DATA command was answered 354 and the
 * whole body, with the terminating "." right after it, went to the socket. A failure with no reply
 * after that point is ambiguous; a failure with a reply is classified by the reply code.
 *
 * nodemailer's pool re-queues a message by itself only when not a byte of it was read (a reused
 * connection closed by the server, a close before the greeting): never a silent resend after DATA.
 */

/** Header names the adapter sets itself or that would change routing or the MIME structure. */
const RESERVED_HEADERS = new Set([
  'from', 'sender', 'to', 'cc', 'bcc', 'reply-to', 'subject', 'message-id', 'date', 'return-path',
  'mime-version', 'content-type', 'content-transfer-encoding',
]);
/** RFC 5322 field name: printable US-ASCII except the colon. */
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const LINE_BREAK_OR_NUL = /[\r\n\0]/;
const PERMANENT_WITHOUT_REPLY = new Set(['EENVELOPE', 'EMESSAGE', 'EMAXRECIPIENTS']);
/** Commands whose 5xx reply refuses this message (nodemailer reports the reply to the end of data as 'DATA'). */
const MESSAGE_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);
const MAX_ERROR_LENGTH = 500;
/** Key of the per-send data-phase tracker in the sendMail options (nodemailer copies unknown keys). */
const DATA_PHASE_KEY = 'notificationDataPhase';

/** Tells whether nodemailer has read the whole message stream, i.e. handed the end of DATA to the socket. */
class DataPhase {
  messageHandedOver = false;

  observe(input: Readable): Readable {
    const output = new PassThrough();
    output.once('end', () => {
      this.messageHandedOver = true;
    });
    return pipeline(input, output, () => undefined);
  }
}

type SendOptions = SendMailOptions & { [DATA_PHASE_KEY]: DataPhase };
type PoolTransport = Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>;

/** Pooled SMTP through nodemailer. Nothing connects until the first send or verify (STYLE rule 8). */
export class NodemailerEmailSender implements EmailSender {
  private transport: PoolTransport | null = null;
  private closed = false;
  private readonly inFlight = new Set<Promise<SendOutcome>>();

  constructor(private readonly settings: NodemailerEmailSenderSettings) {}

  send(email: OutgoingEmail): Promise<SendOutcome> {
    const refusal = refuseUnsafe(email);
    if (refusal !== null) return Promise.resolve({ kind: 'permanent', error: refusal, response: null });
    if (this.closed) return Promise.resolve({ kind: 'transient', error: 'email sender is closed', response: null });
    const sending = this.deliver(email);
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
    return sending;
  }

  /** Connects, greets and (if configured) authenticates on a separate connection; bounded by the timeouts. */
  async verify(): Promise<{ ok: true } | { ok: false; error: string }> {
    if (this.closed) return { ok: false, error: 'email sender is closed' };
    try {
      await this.pool().verify();
      return { ok: true };
    } catch (error) {
      return { ok: false, error: describe(error) };
    }
  }

  /** Closes idle connections at once; sends in flight finish (bounded by the socket timeout) first. */
  async close(): Promise<void> {
    this.closed = true;
    const transport = this.transport;
    this.transport = null;
    if (transport === null) return;
    transport.close();
    await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(email: OutgoingEmail): Promise<SendOutcome> {
    const dataPhase = new DataPhase();
    const options: SendOptions = {
      from: this.settings.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: email.messageId,
      headers: { ...email.headers },
      [DATA_PHASE_KEY]: dataPhase,
    };
    try {
      const info = await this.pool().sendMail(options);
      return { kind: 'accepted', response: typeof info.response === 'string' ? info.response : '' };
    } catch (error) {
      return classifySendError(error, dataPhase.messageHandedOver);
    }
  }

  private pool(): PoolTransport {
    if (this.transport !== null) return this.transport;
    const s = this.settings;
    const transport = nodemailer.createTransport({
      pool: true,
      host: s.host,
      port: s.port,
      secure: s.secure,
      requireTLS: !s.secure && s.startTls,
      auth: s.username !== undefined ? { user: s.username, pass: s.password ?? '' } : undefined,
      maxConnections: s.pool.maxConnections,
      maxMessages: s.pool.maxMessages,
      // Re-queues happen only before a byte of the message was read (see above); keep them few.
      maxRequeues: 2,
      connectionTimeout: s.connectionTimeoutMs,
      greetingTimeout: s.greetingTimeoutMs,
      socketTimeout: s.socketTimeoutMs,
      dnsTimeout: s.connectionTimeoutMs,
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
    });
    transport.use('stream', (mail, done) => {
      const dataPhase = (mail.data as { [DATA_PHASE_KEY]?: unknown })[DATA_PHASE_KEY];
      if (dataPhase instanceof DataPhase) mail.message.processFunc((input) => dataPhase.observe(input));
      done();
    });
    this.transport = transport;
    return transport;
  }
}

/** Maps a nodemailer failure to an outcome; `messageHandedOver` says the end of DATA went to the socket. */
export function classifySendError(error: unknown, messageHandedOver: boolean): SendOutcome {
  const err = (error instanceof Error ? error : new Error(String(error))) as NodemailerError;
  const response = typeof err.response === 'string' && err.response !== '' ? err.response : null;
  const reply = typeof err.responseCode === 'number' && err.responseCode >= 400 && err.responseCode < 600 ? err.responseCode : null;
  const message = describe(err);
  if (err.code === 'EAUTH' || err.code === 'ENOAUTH') return { kind: 'transient', error: message, response };
  if (reply !== null) {
    const aboutThisMessage =
      messageHandedOver || MESSAGE_COMMANDS.has(err.command ?? '') || err.code === 'EENVELOPE' || err.code === 'EMESSAGE';
    const permanent = reply >= 500 && reply !== 503 && aboutThisMessage;
    return { kind: permanent ? 'permanent' : 'transient', error: message, response };
  }
  if (typeof err.code === 'string' && PERMANENT_WITHOUT_REPLY.has(err.code)) {
    return { kind: 'permanent', error: message, response };
  }
  if (messageHandedOver) {
    return {
      kind: 'ambiguous',
      error: `no reply after the message data was sent, it may have been delivered: ${message}`,
      response,
    };
  }
  return { kind: 'transient', error: message, response };
}

/** Why the email must not be handed to SMTP at all, or null. */
function refuseUnsafe(email: OutgoingEmail): string | null {
  if (LINE_BREAK_OR_NUL.test(email.to)) return 'recipient contains CR, LF or NUL (header injection refused)';
  if (LINE_BREAK_OR_NUL.test(email.subject)) return 'subject contains CR, LF or NUL (header injection refused)';
  if (LINE_BREAK_OR_NUL.test(email.messageId)) return 'message id contains CR, LF or NUL (header injection refused)';
  const recipients = addressparser(email.to, { flatten: true });
  if (recipients.length !== 1 || !recipients[0]?.address.includes('@')) {
    return `recipient must be exactly one email address, got ${JSON.stringify(email.to.slice(0, 100))}`;
  }
  for (const [name, value] of Object.entries(email.headers)) {
    if (!HEADER_NAME.test(name)) return `invalid header name ${JSON.stringify(name.slice(0, 100))}`;
    if (RESERVED_HEADERS.has(name.toLowerCase())) return `header ${name} is set by the sender and may not be overridden`;
    if (LINE_BREAK_OR_NUL.test(value)) return `header ${name} contains CR, LF or NUL (header injection refused)`;
  }
  return null;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, MAX_ERROR_LENGTH);
  const { code, command } = error as NodemailerError;
  const prefix = [code, command].filter((part) => typeof part === 'string' && part !== '').join(' ');
  const text = prefix === '' ? error.message : `${prefix}: ${error.message}`;
  return text.slice(0, MAX_ERROR_LENGTH);
}
