import nodemailer, { type Mail, type SMTPPoolOptions, type SMTPPoolSentMessageInfo } from 'nodemailer';
import { watchDataPhases } from './data-phase.js';

export interface NodemailerEmailSenderSettings {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS from the first byte (port 465). */
  readonly secure: boolean;
  /** Require STARTTLS: refuse to send if the server does not offer it. When false, nodemailer upgrades if offered. */
  readonly startTls: boolean;
  readonly username?: string;
  readonly password?: string;
  /**
   * Send the credentials over a connection without TLS. When false, a username with neither
   * `secure` nor `startTls` requires STARTTLS anyway, so that a stripped STARTTLS (a tampering
   * network, a misrouted port) cannot make the credentials go out in clear text.
   */
  readonly allowInsecureAuth: boolean;
  /** The From header; its address's domain is the right-hand side of our Message-IDs. */
  readonly from: string;
  readonly pool: { readonly maxConnections: number; readonly maxMessages: number };
  readonly connectionTimeoutMs: number;
  readonly greetingTimeoutMs: number;
  /** Inactivity bound on every wait for the server, including the reply to the end of DATA. */
  readonly socketTimeoutMs: number;
}

export type PoolTransport = Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>;

/** STARTTLS is required only to protect the credentials, not because the configuration asks for it. */
export function tlsGuardsCredentials(s: NodemailerEmailSenderSettings): boolean {
  return !s.secure && !s.startTls && s.username !== undefined && !s.allowInsecureAuth;
}

/** The pooled transport; nodemailer connects lazily, at the first send or verify. */
export function createSmtpPool(s: NodemailerEmailSenderSettings): PoolTransport {
  const transport = nodemailer.createTransport({
    pool: true,
    host: s.host,
    port: s.port,
    secure: s.secure,
    requireTLS: !s.secure && (s.startTls || tlsGuardsCredentials(s)),
    auth: s.username !== undefined ? { user: s.username, pass: s.password ?? '' } : undefined,
    maxConnections: s.pool.maxConnections,
    maxMessages: s.pool.maxMessages,
    // The pool re-queues only messages of which not a byte was read (smtp-outcome.ts); keep them few.
    maxRequeues: 2,
    connectionTimeout: s.connectionTimeoutMs,
    greetingTimeout: s.greetingTimeoutMs,
    socketTimeout: s.socketTimeoutMs,
    dnsTimeout: s.connectionTimeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  });
  watchDataPhases(transport);
  return transport;
}
