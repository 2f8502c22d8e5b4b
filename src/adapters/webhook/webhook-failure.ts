import type { SendOutcome } from '../../domain/send-outcome.js';
import { PrivateAddressRefused } from './guarded-lookup.js';
import { ExchangeDeadline } from './webhook-request.js';

/** undici's and the resolver's codes for a connection that was never made (or never free: the deadline). */
const NO_CONNECTION = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'UND_ERR_CONNECT_TIMEOUT', 'EWEBHOOK_DEADLINE']);

/*
 * How a send that got no answer is classified (answers are in webhook-outcome.ts):
 *
 *   a refused address    permanent: the host resolved to a loopback, private, link-local or
 *                        metadata address (guarded-lookup.ts), and will again
 *   no valid request     permanent: undici refused to build it (UND_ERR_INVALID_ARG)
 *   not sent             provider_down, attempted: the endpoint is down. DNS failure, refused,
 *                        unreachable, the connect timeout (which covers the lookup), TLS, or a
 *                        connection lost before the request was written: it cannot have it
 *   sent                 ambiguous: the receiver may have it, and de-duplicates the resend by
 *                        webhook-id. The connection dropped; or no answer within the timeout after
 *                        the request was written (UND_ERR_HEADERS_TIMEOUT, or the exchange's
 *                        deadline), `unanswered`: the endpoint's breaker counts a tarpit as down
 */
export function classifyFailure(error: unknown, requestSent: boolean, timeoutMs: number): SendOutcome {
  if (error instanceof PrivateAddressRefused) return { kind: 'permanent', error: error.message, response: null };
  const code = codeOf(error);
  if (code === 'UND_ERR_INVALID_ARG') return { kind: 'permanent', error: `the request could not be made: ${describe(error)}`, response: null };
  if (!requestSent) {
    const where = NO_CONNECTION.has(code ?? '') ? 'could not connect to the endpoint' : 'the connection failed before the request was sent';
    return { kind: 'provider_down', error: `${where} (${describe(error)})`, response: null, attempted: true, configurationFault: false };
  }
  const unanswered = code === 'UND_ERR_HEADERS_TIMEOUT' || error instanceof ExchangeDeadline;
  const within = error instanceof ExchangeDeadline ? `the exchange's deadline of ${error.ms} ms` : `${timeoutMs} ms`;
  const what = unanswered ? `no answer within ${within}` : `the connection failed (${describe(error)})`;
  const outcome = { kind: 'ambiguous', error: `${what} after the request was sent: the receiver may have it, and de-duplicates by webhook-id`, response: null } as const;
  return unanswered ? { ...outcome, unanswered } : outcome;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `CODE: message`; happy eyeballs reports every address it tried in an AggregateError with no message. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const message = error instanceof AggregateError && error.message === '' ? error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ') : error.message;
  const code = codeOf(error);
  return code === undefined || message.startsWith(code) ? message : `${code}: ${message}`;
}
