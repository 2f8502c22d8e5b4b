import type { NodemailerError } from 'nodemailer';

/** What the classification reads of a failed send; every field is '' or null when nodemailer gave none. */
export interface SmtpFailure {
  /** nodemailer's error code: ESOCKET, EENVELOPE, EAUTH, ... */
  readonly code: string;
  /** The step nodemailer names: 'CONN', 'EHLO', 'STARTTLS', 'AUTH PLAIN', 'MAIL FROM', 'RCPT TO', 'DATA', 'API'. */
  readonly command: string;
  /** The server's 4xx or 5xx reply code, null when the server gave no negative reply. */
  readonly reply: number | null;
  /** The server's reply text, as recorded with the attempt. */
  readonly response: string | null;
  /** The reply's enhanced status code (RFC 3463, "4.3.1" after the reply code), null when it has none. */
  readonly enhancedStatus: EnhancedStatus | null;
  /** 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT' or 'SOCKET_TIMEOUT' for ETIMEDOUT. */
  readonly timeoutType: string;
  /** "CODE COMMAND: message", bounded, for the attempt history and the logs. */
  readonly description: string;
}

/** class.subject.detail; the class is the reply's own (4 or 5), so only subject and detail are kept. */
export interface EnhancedStatus {
  /** 0 other, 1 addressing, 2 mailbox, 3 mail system, 4 network and routing, 5 mail delivery protocol, 6 content, 7 security or policy. */
  readonly subject: number;
  readonly detail: number;
}

const MAX_ERROR_LENGTH = 500;
/**
 * "452 4.3.1 ..." or "452-4.3.1 ..." (the first line of a multi-line reply). RFC 2034 requires the
 * class to repeat the reply's first digit; a code whose class does not is not trusted.
 */
const ENHANCED_STATUS = /^([45])\d\d[ -]([45])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/;

export function readSmtpFailure(error: unknown): SmtpFailure {
  const err = (error instanceof Error ? error : new Error(String(error))) as NodemailerError & { timeoutType?: unknown };
  const reply = err.responseCode;
  const response = text(err.response);
  return {
    code: text(err.code),
    command: text(err.command),
    reply: typeof reply === 'number' && reply >= 400 && reply < 600 ? reply : null,
    response: response === '' ? null : response,
    enhancedStatus: enhancedStatusOf(response),
    timeoutType: text(err.timeoutType),
    description: describeSmtpError(error),
  };
}

export function describeSmtpError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, MAX_ERROR_LENGTH);
  const { code, command } = error as NodemailerError;
  const prefix = [code, command].filter((part) => typeof part === 'string' && part !== '').join(' ');
  const message = prefix === '' ? error.message : `${prefix}: ${error.message}`;
  return message.slice(0, MAX_ERROR_LENGTH);
}

function enhancedStatusOf(response: string): EnhancedStatus | null {
  const match = ENHANCED_STATUS.exec(response);
  if (!match || match[1] !== match[2]) return null;
  return { subject: Number(match[3]), detail: Number(match[4]) };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
