import type { SendOutcome } from '../../domain/send-outcome.js';
import { readSmtpFailure, type SmtpFailure } from './smtp-failure.js';

/*
 * How a failed send is classified (RFC 5321 reply classes, RFC 1047 for the ambiguous window). The
 * rules below are tried in order, first match wins: a reply decides before its absence does, and a
 * reply about the provider before one about the message.
 *
 *   provider_down, configurationFault   a reply refusing STARTTLS (unknown, or offered and then
 *              refused): the server has no TLS, or someone stripped it (but 421 and 454: "not now");
 *              EAUTH/ENOAUTH/EOAUTH2 (credentials refused or missing), ECONFIG, 535, 530 to MAIL FROM
 *              (authentication or TLS required and the configuration does not provide it); any
 *              other 5xx to MAIL FROM (but 552 and x.3.4, below): the server refuses our sender,
 *              SMTP_FROM, whatever the recipient (553 5.7.1 sender not permitted, 550 5.7.60 not
 *              permitted to send as this sender). Only the operator can fix these, and every
 *              message would fail the same way: no attempt is used, the breaker and the health
 *              report show it.
 *   provider_down   421 (closing, at any step, also with EAUTH), 454 (temporary authentication or
 *              TLS failure), a 4xx whose enhanced status code (RFC 3463) is x.3.x but x.3.4, at any
 *              step: the mail system itself is full, busy or not accepting (451 4.3.0 queue file
 *              write error, 452 4.3.1 insufficient system storage), and transient would spend every
 *              message's attempts until its disk has room again; any other reply refusing the
 *              session (greeting, EHLO/HELO, RSET), and no reply before the message data was handed
 *              over: refused (ESOCKET ECONNREFUSED), DNS (EDNS), TLS handshake (ETLS), connection or
 *              greeting timeout, a broken reply (EPROTOCOL), the pool giving up after its re-queues
 *              (ECONNECTION).
 *              A drop or a socket timeout during the envelope (EHLO to RCPT) is here too, not
 *              transient: nodemailer reports it exactly like a drop before the greeting
 *              (ECONNECTION / ETIMEDOUT, command 'CONN'), the server has said nothing about the
 *              message, and the common cause is the provider's side (a load balancer accepting
 *              connections for a dead backend, an overloaded server). Transient would spend the
 *              messages' attempts during such an outage and fail them; provider_down waits with
 *              backoff and lets the breaker hold the channel. The cost: a message that itself made
 *              the server drop the session would wait until it expires instead of failing.
 *   transient  any other 4xx to MAIL FROM, RCPT TO or the data: an answer about this message or
 *              its recipient (450 4.7.1 greylisting, 450 4.2.1 mailbox busy, 452 4.2.2 mailbox
 *              full, 452 4.5.3 too many recipients, 452 4.3.4 message too big for now); 503 to RCPT
 *              TO or the data (bad sequence: a session-state problem a new session does not have;
 *              nodemailer marks it `permanent: false` too); anything unrecognised.
 *   permanent  a 5xx (but 503, 530, 535) to RCPT TO or the data (EENVELOPE / EMESSAGE), 552 5.3.4
 *              (message too big) included; 552 or x.3.4 to MAIL FROM (the SIZE declared for this
 *              message: as provider_down it would wait, and hold the breaker, until it expires);
 *              EENVELOPE / EMESSAGE / EMAXRECIPIENTS / ESTREAM raised by nodemailer without a reply
 *              (no valid recipient, a message over the SIZE limit, content it cannot build).
 *   ambiguous  no reply after the whole message, with its final ".", went to the socket: the
 *              connection dropped or the socket timed out while we waited for the reply to the end
 *              of data. The server may have delivered it.
 *
 * nodemailer's errors cannot tell a drop after the data from one before it, so the sender watches
 * the data phase itself (data-phase.ts). Shapes observed with nodemailer 10.6.0 and smtp-server
 * 3.21.6 (tests/integration/email):
 *
 *   421 greeting      { code: 'EPROTOCOL', command: 'CONN', responseCode: 421, response: '421 busy' }
 *   421 to MAIL FROM  { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 421 }
 *   535 / 454 to AUTH { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535 | 454 }
 *   no password       { code: 'EAUTH', command: 'API', message: 'Missing credentials for "PLAIN"' }
 *   STARTTLS required, not offered  { code: 'ETLS', command: 'STARTTLS', responseCode: 500 }
 *   530 to MAIL FROM  { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 530 }
 *   553 to MAIL FROM  { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553, response: '553 5.7.1 sender not permitted' }
 *   452 4.3.1 to RCPT { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 452, response: '452 4.3.1 Insufficient system storage' }
 *   450 / 550 to RCPT { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 450 | 550 }
 *   450 / 550 to the end of data  { code: 'EMESSAGE', command: 'DATA', responseCode: 450 | 550 }
 *   nothing listening { code: 'ESOCKET', command: 'CONN', originalCode: 'ECONNREFUSED' }  within ~5 ms
 *   never greets      { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'GREETING_TIMEOUT' }
 *   unknown host      { code: 'EDNS', command: 'CONN', originalCode: 'ENOTFOUND' }
 *   dropped at RCPT TO, or after the data   { code: 'ECONNECTION', command: 'CONN' }  same shape
 *   silent after the data                   { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'SOCKET_TIMEOUT' }
 *   no usable recipient                     { code: 'EENVELOPE', command: 'API' }
 *
 * nodemailer's pool re-queues a message by itself only when not a byte of it was read (a reused
 * connection closed by the server, a close before the greeting): never a silent resend after DATA.
 */

/** What the sender knows about the send beyond nodemailer's error. */
export interface SmtpSendContext {
  /** The whole message, with the final ".", went to the socket. */
  readonly messageHandedOver: boolean;
  /** STARTTLS is required only so that the credentials never travel in clear text. */
  readonly tlsGuardsCredentials: boolean;
}

type Verdict =
  | { readonly kind: 'transient' | 'permanent' | 'ambiguous' }
  | { readonly kind: 'provider_down'; readonly configurationFault: boolean };

interface Rule {
  readonly when: (failure: SmtpFailure, context: SmtpSendContext) => boolean;
  readonly verdict: Verdict;
  readonly explain?: (failure: SmtpFailure, context: SmtpSendContext) => string;
}

const DOWN: Verdict = { kind: 'provider_down', configurationFault: false };
const MISCONFIGURED: Verdict = { kind: 'provider_down', configurationFault: true };
/** Commands whose reply judges this message, not the session (the end of data is reported as 'DATA'). */
const MESSAGE_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);
const MISCONFIGURATION_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG']);
const REFUSED_BY_NODEMAILER = new Set(['EENVELOPE', 'EMESSAGE', 'EMAXRECIPIENTS', 'ESTREAM', 'EFILEACCESS', 'EURLACCESS']);
const NO_SESSION = new Set(['ESOCKET', 'ECONNECTION', 'ETIMEDOUT', 'EDNS', 'ETLS', 'EPROXY', 'EPROTOCOL']);

const RULES: readonly Rule[] = [
  { when: (f) => f.reply === 421 || f.reply === 454 || mailSystemUnavailable(f), verdict: DOWN },
  { when: (f) => f.command === 'STARTTLS' && f.reply !== null, verdict: MISCONFIGURED, explain: startTlsRefused },
  { when: (f) => MISCONFIGURATION_CODES.has(f.code) || f.reply === 530 || f.reply === 535, verdict: MISCONFIGURED },
  { when: (f) => f.reply !== null && !MESSAGE_COMMANDS.has(f.command), verdict: DOWN },
  { when: (f) => f.command === 'MAIL FROM' && isPermanentReply(f) && !sizeRefused(f), verdict: MISCONFIGURED, explain: senderRefused },
  { when: (f) => f.reply !== null && (f.reply < 500 || f.reply === 503), verdict: { kind: 'transient' } },
  { when: (f) => f.reply !== null, verdict: { kind: 'permanent' } },
  { when: (f) => REFUSED_BY_NODEMAILER.has(f.code), verdict: { kind: 'permanent' } },
  { when: (_f, c) => c.messageHandedOver, verdict: { kind: 'ambiguous' }, explain: mayHaveArrived },
  { when: (f) => NO_SESSION.has(f.code), verdict: DOWN },
];
const UNRECOGNISED: Rule = { when: () => true, verdict: { kind: 'transient' } };

/** Maps a failed send to its outcome (see the table above). */
export function classifySmtpFailure(failure: SmtpFailure, context: SmtpSendContext): SendOutcome {
  const rule = RULES.find((candidate) => candidate.when(failure, context)) ?? UNRECOGNISED;
  const error = rule.explain?.(failure, context) ?? failure.description;
  const { response } = failure;
  const verdict = rule.verdict;
  if (verdict.kind === 'provider_down') {
    return { kind: 'provider_down', error, response, attempted: true, configurationFault: verdict.configurationFault };
  }
  return { kind: verdict.kind, error, response };
}

/** classifySmtpFailure of whatever nodemailer rejected the send with. */
export function classifySendError(error: unknown, context: SmtpSendContext): SendOutcome {
  return classifySmtpFailure(readSmtpFailure(error), context);
}

/**
 * A 4xx with an enhanced status code x.3.x, the mail system itself (RFC 3463 section 3.4), but
 * x.3.4: "message too big for system" is about this message.
 */
function mailSystemUnavailable(failure: SmtpFailure): boolean {
  return failure.reply !== null && failure.reply < 500 && failure.enhancedStatus?.subject === 3 && !tooBig(failure);
}

function isPermanentReply(failure: SmtpFailure): boolean {
  return failure.reply !== null && failure.reply >= 500;
}

/** 552 to MAIL FROM refuses the SIZE declared for this message (RFC 1870), like x.3.4 anywhere. */
function sizeRefused(failure: SmtpFailure): boolean {
  return failure.reply === 552 || tooBig(failure);
}

function tooBig(failure: SmtpFailure): boolean {
  return failure.enhancedStatus?.subject === 3 && failure.enhancedStatus.detail === 4;
}

function senderRefused(failure: SmtpFailure): string {
  return `the server refused the sender SMTP_FROM at MAIL FROM, so it would refuse every message: ${failure.description}`;
}

function startTlsRefused(failure: SmtpFailure, context: SmtpSendContext): string {
  const why = context.tlsGuardsCredentials
    ? 'the server offers no STARTTLS, and SMTP credentials are never sent without TLS (SMTP_ALLOW_INSECURE_AUTH=true allows it)'
    : 'the server refused STARTTLS, so no TLS session could be set up';
  return `${why}: ${failure.description}`;
}

function mayHaveArrived(failure: SmtpFailure): string {
  return `no reply after the message data was sent, it may have been delivered: ${failure.description}`;
}
