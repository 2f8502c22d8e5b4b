const MAX_LENGTH = 300;

/**
 * undici's codes for a request that was written and then got no complete answer: the server went
 * silent (headers or body timeout) or closed the connection. The request-sent watch in
 * fcm-request.ts decides the rest; these are listed for the timeouts, which undici only starts once
 * the request is on the socket.
 */
export const NO_ANSWER_AFTER_SENDING = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Our code for a request cut by its deadline: undici rejects with the AbortSignal.timeout's TimeoutError. */
export const DEADLINE_PASSED = 'DEADLINE_PASSED';

/** "CODE: message", bounded: undici's errors name the host and the failure, never a header (no access token). */
export function describeNetworkError(error: unknown): string {
  const code = networkErrorCode(error);
  if (code === DEADLINE_PASSED) return `${code}: no complete answer within PUSH_TIMEOUT_MS`;
  const message = error instanceof Error ? error.message : String(error);
  return (code === '' || message.includes(code) ? message : `${code}: ${message}`).slice(0, MAX_LENGTH);
}

export function networkErrorCode(error: unknown): string {
  if ((error as { name?: unknown } | null)?.name === 'TimeoutError') return DEADLINE_PASSED;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof cause === 'string' ? cause : '';
}
