import type { SendOutcome } from '../../domain/send-outcome.js';
import type { HttpFailure } from './form-post.js';

/**
 * A request that got no answer. Before the whole request was written (refused, DNS, connect or
 * TLS timeout, a drop while sending) Twilio cannot have acted on it: provider_down, no attempt
 * used. After it (a drop, a timeout waiting for the answer) Twilio may have queued the message:
 * ambiguous. A kept-alive connection the server closed just as the request went out falls there
 * too: rare (idle connections are dropped first), and it cannot be told from a real loss.
 */
export function classifyHttpFailure(failure: HttpFailure): SendOutcome {
  const detail = `${failure.code}: ${failure.message}`;
  if (failure.phase === 'await') {
    return { kind: 'ambiguous', error: `no answer after the request was sent, Twilio may have queued the message (${detail})`, response: null };
  }
  const where = failure.phase === 'connect' ? 'could not connect to Twilio' : 'the connection to Twilio failed before the request was sent';
  return { kind: 'provider_down', error: `${where} (${detail})`, response: null, attempted: true, configurationFault: false };
}
