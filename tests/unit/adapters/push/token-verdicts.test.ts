import { expect } from 'chai';
import type { FcmAnswer } from '../../../../src/adapters/push/fcm-answer.js';
import { TokenVerdicts } from '../../../../src/adapters/push/token-verdicts.js';
import { fcmErrorBody } from '../../../support/fcm-fake-answers.js';

const headersTimeout: FcmAnswer = { kind: 'no_response', requestSent: true, code: 'UND_ERR_HEADERS_TIMEOUT', error: 'Headers Timeout Error' };
const dropped: FcmAnswer = { kind: 'no_response', requestSent: true, code: 'UND_ERR_SOCKET', error: 'other side closed' };
const refused: FcmAnswer = { kind: 'no_response', requestSent: false, code: 'ECONNREFUSED', error: 'connect ECONNREFUSED' };
const accepted: FcmAnswer = { kind: 'response', status: 200, body: JSON.stringify({ name: 'projects/p/messages/1' }), retryAfter: null };
const unavailable: FcmAnswer = { kind: 'response', status: 503, body: fcmErrorBody(503, { errorCode: 'UNAVAILABLE' }), retryAfter: null };
const mismatch: FcmAnswer = { kind: 'response', status: 403, body: fcmErrorBody(403, { errorCode: 'SENDER_ID_MISMATCH' }), retryAfter: null };

/** Each answer's verdict in order: its kind, `down` for provider_down, `fault` for a configuration fault. */
function verdicts(judge: TokenVerdicts, answers: FcmAnswer[]): string[] {
  return answers.map((answer, n) => judge.of(`t-${n}`, answer)).map((r) => (r.kind !== 'provider_down' ? r.kind : r.configurationFault ? 'fault' : 'down'));
}

describe('TokenVerdicts: each token answer read against the sender\'s earlier ones', () => {
  it('no answer in time: ambiguous twice, then FCM taken as down until an answer arrives', () => {
    const judge = new TokenVerdicts();
    const answers = [headersTimeout, headersTimeout, headersTimeout, headersTimeout, unavailable, headersTimeout, headersTimeout, accepted, headersTimeout];
    expect(verdicts(judge, answers)).to.deep.equal(['ambiguous', 'ambiguous', 'down', 'down', 'down', 'ambiguous', 'ambiguous', 'accepted', 'ambiguous']);
  });

  it('the third names the count and the timeout', () => {
    const judge = new TokenVerdicts();
    verdicts(judge, [headersTimeout, headersTimeout]);
    expect(judge.of('t', headersTimeout)).to.deep.equal({
      token: 't',
      kind: 'provider_down',
      configurationFault: false,
      detail: 'no answer to the last 3 requests in time, so FCM is taken as down (Headers Timeout Error)',
    });
  });

  it('a dropped or refused connection neither counts nor resets', () => {
    const judge = new TokenVerdicts({ silentTimeoutsToDown: 2 });
    expect(verdicts(judge, [headersTimeout, dropped, refused, headersTimeout])).to.deep.equal(['ambiguous', 'ambiguous', 'down', 'down']);
  });

  it('suspect answers are guarded across tokens, as the sender-fault guard does', () => {
    const judge = new TokenVerdicts({ suspectAnswersToFault: 2 });
    expect(verdicts(judge, [mismatch, mismatch, accepted, mismatch])).to.deep.equal(['unregistered', 'fault', 'accepted', 'unregistered']);
  });
});
