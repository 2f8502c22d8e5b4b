import type { SendOutcome } from '../../domain/send-outcome.js';

/**
 * How far a request got before it failed: `queued` (no pooled socket freed in time: every
 * connection busy), `connect` (no connection: refused, DNS, connect timeout), `send` (connected,
 * the request not yet fully written: TLS, a drop), `await` (the whole request was written and no
 * answer came: the provider may have acted on it).
 */
export type HttpPhase = 'queued' | 'connect' | 'send' | 'await';

export interface HttpFailure {
  readonly kind: 'failure';
  readonly phase: HttpPhase;
  readonly code: string;
  readonly message: string;
}

/**
 * A request that got no answer. Still queued for a connection: nothing reached Twilio and nothing
 * was learnt of it, so provider_down not attempted (no attempt used, not counted by the breaker).
 * Before the whole request was written (refused, DNS, connect or
 * TLS timeout, a drop while sending) Twilio cannot have acted on it: provider_down, no attempt
 * used. After it (a drop, a timeout waiting for the answer) Twilio may have queued the message:
 * ambiguous. A kept-alive connection the server closes just as the request goes out falls there
 * too: it cannot be told from a real loss, and form-post.ts makes it rare.
 */
export function classifyHttpFailure(failure: HttpFailure): SendOutcome {
  const detail = `${failure.code}: ${failure.message}`;
  if (failure.phase === 'queued') {
    return { kind: 'provider_down', error: `no connection to Twilio freed in time, all SMS_MAX_CONNECTIONS busy; nothing sent (${detail})`, response: null, attempted: false, configurationFault: false };
  }
  if (failure.phase === 'await') {
    return { kind: 'ambiguous', error: `no answer after the request was sent, Twilio may have queued the message (${detail})`, response: null };
  }
  const where = failure.phase === 'connect' ? 'could not connect to Twilio' : 'the connection to Twilio failed before the request was sent';
  return { kind: 'provider_down', error: `${where} (${detail})`, response: null, attempted: true, configurationFault: false };
}

/** A timeout waiting for the answer to a request written whole, not a dropped connection. */
export function isSilentTimeout(failure: HttpFailure): boolean {
  return failure.phase === 'await' && failure.code === 'ETIMEDOUT';
}

/** Twilio let `inARow` written requests time out with no answer since: down (silent-provider-watch.ts). */
export function silentProviderDown(failure: HttpFailure, inARow: number): SendOutcome {
  const error = `Twilio answered none of the last ${inARow} requests in time, so it is taken as down (${failure.code}: ${failure.message})`;
  return { kind: 'provider_down', error, response: null, attempted: true, configurationFault: false };
}
