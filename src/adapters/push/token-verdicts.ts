import { SilentProviderWatch } from '../http/silent-provider-watch.js';
import { classifyFcmAnswer, type FcmAnswer, type TokenResult } from './fcm-answer.js';
import { DEADLINE_PASSED } from './network-error.js';
import { SenderFaultGuard } from './sender-fault-guard.js';

/** undici's code for no answer's headers within PUSH_TIMEOUT_MS; its timer starts once the request is written. */
const HEADERS_TIMEOUT = 'UND_ERR_HEADERS_TIMEOUT';

/** No answer in time to a request written whole: undici's timeout, or the send's deadline cutting it. */
function isSilentTimeout(answer: Extract<FcmAnswer, { kind: 'no_response' }>): boolean {
  return answer.code === HEADERS_TIMEOUT || (answer.code === DEADLINE_PASSED && answer.requestSent);
}

/**
 * Each device token's answer, classified alone (fcm-answer.ts), then read against the answers
 * this sender had before, because two faults show only across many tokens and sends: FCM taking
 * requests and answering none (silent-provider-watch.ts), and a wrong sender that FCM blames on
 * each token (sender-fault-guard.ts). One per sender, shared by its sends; answers are counted
 * in the order they arrive.
 */
export class TokenVerdicts {
  private readonly silence: SilentProviderWatch;
  private readonly senderFaults: SenderFaultGuard;

  constructor(options: { readonly silentTimeoutsToDown?: number; readonly suspectAnswersToFault?: number } = {}) {
    this.silence = new SilentProviderWatch(options.silentTimeoutsToDown);
    this.senderFaults = new SenderFaultGuard(options.suspectAnswersToFault);
  }

  of(token: string, answer: FcmAnswer): TokenResult {
    if (answer.kind === 'response') this.silence.answered();
    else if (isSilentTimeout(answer) && this.silence.timedOut()) return this.silent(token, answer.error);
    return this.senderFaults.judge(classifyFcmAnswer(token, answer));
  }

  private silent(token: string, error: string): TokenResult {
    const detail = `no answer to the last ${this.silence.inARow} requests in time, so FCM is taken as down (${error})`;
    return { token, kind: 'provider_down', configurationFault: false, detail };
  }
}
