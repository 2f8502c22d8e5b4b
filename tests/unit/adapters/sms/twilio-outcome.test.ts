import { expect } from 'chai';
import type { HttpAnswer } from '../../../../src/adapters/sms/http-answer.js';
import { classifyTwilioAnswer } from '../../../../src/adapters/sms/twilio-outcome.js';
import type { SendOutcome } from '../../../../src/domain/send-outcome.js';

const TO = '+4915112345678';
const CONTEXT = { to: TO, body: 'Your code is 424242.', nowMs: Date.parse('2026-12-01T10:00:00Z') };
const SID = `SM${'0123456789abcdef'.repeat(2)}`;

function answer(status: number, body: unknown = '', retryAfter?: string): HttpAnswer {
  return { kind: 'answer', status, retryAfter, body: typeof body === 'string' ? body : JSON.stringify(body) };
}
const error = (status: number, code: number, message = 'what Twilio said') => answer(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

type Expected = 'accepted' | 'permanent' | 'opted_out' | 'down' | 'misconfigured';
const CASES: ReadonlyArray<[string, HttpAnswer, Expected]> = [
  ['201 with a message resource', answer(201, { sid: SID, status: 'queued', num_segments: '1' }), 'accepted'],
  ['200 (an older API answer)', answer(200, { sid: SID, status: 'queued' }), 'accepted'],
  ['201 that is not JSON', answer(201, 'created'), 'accepted'],
  ['401 20003 (credentials refused)', error(401, 20003, 'Authenticate'), 'misconfigured'],
  ['403 (not allowed for these credentials)', error(403, 20003), 'misconfigured'],
  ['301 (a base URL that redirects)', answer(301, ''), 'misconfigured'],
  ['404 20404 (no such account resource)', error(404, 20404), 'misconfigured'],
  ['400 21212 (invalid From)', error(400, 21212), 'misconfigured'],
  ['400 21603 (From missing)', error(400, 21603), 'misconfigured'],
  ['400 21659 (From not a Twilio number)', error(400, 21659), 'misconfigured'],
  ['400 21701 (no such Messaging Service)', error(400, 21701), 'misconfigured'],
  ['400 21705 (invalid Messaging Service)', error(400, 21705), 'misconfigured'],
  ['408 (a proxy timed out)', answer(408, ''), 'down'],
  ['429 20429', error(429, 20429, 'Too Many Requests'), 'down'],
  ['500 20500', error(500, 20500), 'down'],
  ['502 from a load balancer, HTML', answer(502, '<html>Bad Gateway</html>'), 'down'],
  ['503 without a body', answer(503, ''), 'down'],
  ['400 21611 (our sender\'s queue is full)', error(400, 21611), 'down'],
  ['400 21610 (recipient replied STOP)', error(400, 21610), 'opted_out'],
  ['400 21211 (invalid To)', error(400, 21211), 'permanent'],
  ['400 21614 (To not a mobile number)', error(400, 21614), 'permanent'],
  ['400 21606 (From cannot send to this destination)', error(400, 21606), 'permanent'],
  ['400 21612 (this To and From cannot be combined)', error(400, 21612), 'permanent'],
  ['400 21408 (region not enabled)', error(400, 21408), 'permanent'],
  ['400 21617 (body too long)', error(400, 21617), 'permanent'],
  ['400 that is not JSON', answer(400, 'Bad Request'), 'permanent'],
  ['404 with no body', answer(404, ''), 'misconfigured'],
  ['409 with a code', error(409, 20409), 'permanent'],
  ['a status outside HTTP\'s classes', answer(600, ''), 'down'],
];

function verdictOf(outcome: SendOutcome): Expected {
  if (outcome.kind === 'provider_down') return outcome.configurationFault ? 'misconfigured' : 'down';
  if (outcome.kind === 'permanent' && outcome.rejected?.length) return 'opted_out';
  return outcome.kind as Expected;
}

describe('classifyTwilioAnswer: each Twilio answer to its outcome', () => {
  for (const [name, given, expected] of CASES) {
    it(`${name}: ${expected}`, () => {
      const outcome = classifyTwilioAnswer(given, CONTEXT);
      expect(verdictOf(outcome)).to.equal(expected);
      if (outcome.kind === 'provider_down') expect(outcome.attempted).to.equal(true);
    });
  }
});

describe('classifyTwilioAnswer: what an outcome carries', () => {
  it("accepted: the sid as provider id, Twilio's status and num_segments in the response", () => {
    const outcome = classifyTwilioAnswer(answer(201, { sid: SID, status: 'queued', num_segments: '3' }), CONTEXT);
    expect(outcome).to.deep.equal({ kind: 'accepted', providerMessageId: SID, response: `201 ${SID} queued, 3 segments` });
  });

  it('accepted without num_segments: the segments counted from the body sent', () => {
    const outcome = classifyTwilioAnswer(answer(201, { sid: SID }), { ...CONTEXT, body: 'ж'.repeat(71) });
    expect(outcome).to.have.property('response', `201 ${SID}, 2 segments`);
  });

  it('a sid that is not a Twilio sid is not taken for one', () => {
    const outcome = classifyTwilioAnswer(answer(201, { sid: 'hello world', num_segments: 1 }), CONTEXT);
    expect(outcome).to.deep.equal({ kind: 'accepted', providerMessageId: null, response: '201 without a readable sid, 1 segment' });
  });

  it('STOP: permanent, naming the To as opted out', () => {
    expect(classifyTwilioAnswer(error(400, 21610, 'Attempt to send to unsubscribed recipient'), CONTEXT)).to.deep.equal({
      kind: 'permanent',
      error: 'the recipient opted out (replied STOP): Twilio answered 400 21610 Attempt to send to unsubscribed recipient',
      response: '400 21610 Attempt to send to unsubscribed recipient',
      rejected: [{ address: TO, reason: 'opted_out' }],
    });
  });

  it('a refusal of one destination (21606, 21612, 21408): permanent, saying so, and never a configuration fault', () => {
    const outcome = classifyTwilioAnswer(error(400, 21606, "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination/account"), CONTEXT);
    expect(outcome).to.deep.equal({
      kind: 'permanent',
      error: "Twilio will not send from our sender to this destination: Twilio answered 400 21606 The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination/account",
      response: "400 21606 The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination/account",
    });
  });

  it('Retry-After in seconds or as an HTTP date becomes retryAfterMs', () => {
    const inSeconds = classifyTwilioAnswer(answer(429, { code: 20429 }, '30'), CONTEXT);
    const asDate = classifyTwilioAnswer(answer(503, '', 'Tue, 01 Dec 2026 10:02:00 GMT'), CONTEXT);
    const unreadable = classifyTwilioAnswer(answer(503, '', 'soon'), CONTEXT);
    expect([inSeconds, asDate, unreadable].map((o) => (o.kind === 'provider_down' ? o.retryAfterMs : 'n/a'))).to.deep.equal([30_000, 120_000, undefined]);
    expect(unreadable).not.to.have.property('retryAfterMs');
  });

  it('a body that broke off is said so; control characters and long text are escaped and bounded', () => {
    const cut = classifyTwilioAnswer({ ...answer(502, '<html>'), bodyError: 'the answer broke off' }, CONTEXT);
    const noisy = classifyTwilioAnswer(error(400, 21408, `line one\nline two\u202e${'x'.repeat(1_000)}`), CONTEXT);
    expect(cut.response).to.equal('502 (the answer broke off)');
    expect(noisy.response).to.match(/^400 21408 line one\\u000aline two\\u202ex+\.\.\.$/).and.have.length.below(320);
  });
});
