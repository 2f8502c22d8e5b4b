import type { TokenResult } from './fcm-answer.js';

/** Suspect answers, with no token accepted in between, from which the sender is taken to be wrong. */
export const SUSPECT_ANSWERS_TO_FAULT = 5;

/**
 * FCM answers SENDER_ID_MISMATCH, or INVALID_ARGUMENT naming no field, for a token registered to
 * another project or malformed; it answers the same for every token when our side is wrong: a
 * service account of another Firebase project (a staging key deployed to production), a payload
 * FCM refuses without naming a field. Each taken as a dead token, one wrong key would remove every
 * user's device tokens within minutes, and they cannot be restored.
 *
 * So these answers are counted across sends, and a token accepted resets the count. Below the
 * threshold each stays a dead token (permanent for it, listed as rejected, removed from the
 * profile): at most threshold - 1 tokens per process are lost to a wrong key. From the threshold
 * on, each is a configuration fault (provider_down: no attempt used, nothing rejected, the
 * breaker opens and the health report names it) until a token is accepted again. The cost: while
 * it lasts, really dead tokens of these kinds stay on their profiles. UNREGISTERED (404) is never
 * counted: FCM says it of one token, never of a wrong sender.
 */
export class SenderFaultGuard {
  private suspectInARow = 0;

  constructor(private readonly threshold: number = SUSPECT_ANSWERS_TO_FAULT) {}

  /** The result as it stands, or a configuration fault once suspect answers reached the threshold. */
  judge(result: TokenResult): TokenResult {
    if (result.kind === 'accepted') this.suspectInARow = 0;
    if (result.kind !== 'unregistered' || result.senderSuspect !== true) return result;
    this.suspectInARow += 1;
    if (this.suspectInARow < this.threshold) return result;
    const why = `${this.suspectInARow} such answers with no token accepted since: taken as a wrong PUSH_SERVICE_ACCOUNT_JSON or payload, not dead tokens`;
    return { token: result.token, kind: 'provider_down', configurationFault: true, detail: `${result.detail} (${why})` };
  }
}
