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
  /** 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT' or 'SOCKET_TIMEOUT' for ETIMEDOUT. */
  readonly timeoutType: string;
  /** "CODE COMMAND: message", bounded, for the attempt history and the logs. */
  readonly description: string;
}

const MAX_ERROR_LENGTH = 500;

export function readSmtpFailure(error: unknown): SmtpFailure {
  const err = (error instanceof Error ? error : new Error(String(error))) as NodemailerError & { timeoutType?: unknown };
  const reply = err.responseCode;
  const response = text(err.response);
  return {
    code: text(err.code),
    command: text(err.command),
    reply: typeof reply === 'number' && reply >= 400 && reply < 600 ? reply : null,
    response: response === '' ? null : response,
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

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
