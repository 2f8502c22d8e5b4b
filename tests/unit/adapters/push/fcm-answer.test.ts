import { expect } from 'chai';
import { classifyFcmAnswer, type FcmAnswer } from '../../../../src/adapters/push/fcm-answer.js';
import { fcmErrorBody } from '../../../support/fcm-fake-answers.js';

const FCM_ERROR = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';
const BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';

function reply(status: number, body: unknown, retryAfter: string | null = null): FcmAnswer {
  return { kind: 'response', status, body: typeof body === 'string' ? body : JSON.stringify(body), retryAfter };
}

/** An invalid-argument answer with these details (FCM sends them in either order). */
function invalidArgument(...details: unknown[]): FcmAnswer {
  return reply(400, { error: { code: 400, message: 'Request contains an invalid argument.', status: 'INVALID_ARGUMENT', details } });
}

const fcmError = (errorCode: string) => ({ '@type': FCM_ERROR, errorCode });
const violation = (field: string) => ({ '@type': BAD_REQUEST, fieldViolations: [{ field, description: `bad ${field}` }] });

type Expected = 'accepted' | 'unregistered' | 'suspect' | 'permanent' | 'transient' | 'ambiguous' | 'down' | 'misconfigured' | 'access token refused';

const CASES: ReadonlyArray<[string, FcmAnswer, Expected, Record<string, unknown>?]> = [
  ['200 with the message name', reply(200, { name: 'projects/p/messages/0:123' }), 'accepted', { name: 'projects/p/messages/0:123' }],
  ['200 without a name', reply(200, '{}'), 'accepted', { name: null }],
  ['404 UNREGISTERED', reply(404, fcmErrorBody(404, { errorCode: 'UNREGISTERED' })), 'unregistered'],
  ['403 SENDER_ID_MISMATCH (also what a wrong sender gets)', reply(403, fcmErrorBody(403, { errorCode: 'SENDER_ID_MISMATCH' })), 'suspect'],
  ['400 INVALID_ARGUMENT naming message.token', invalidArgument(fcmError('INVALID_ARGUMENT'), violation('message.token')), 'unregistered'],
  ['400 INVALID_ARGUMENT with only the FcmError detail (not a valid FCM registration token)', invalidArgument(fcmError('INVALID_ARGUMENT')), 'suspect'],
  ['400 INVALID_ARGUMENT with no details', invalidArgument(), 'suspect'],
  ['400 INVALID_ARGUMENT naming message.data[0].value', invalidArgument(violation('message.data[0].value')), 'permanent'],
  ['400 INVALID_ARGUMENT naming the token and message.data', invalidArgument(violation('message.token'), violation('message.data')), 'permanent'],
  ['400 INVALID_ARGUMENT naming message (recipient not set)', invalidArgument(violation('message'), fcmError('INVALID_ARGUMENT')), 'permanent'],
  ['400 from a proxy (HTML)', reply(400, '<html>Bad Request</html>'), 'permanent'],
  ['413 payload too large', reply(413, ''), 'permanent'],
  ['401 THIRD_PARTY_AUTH_ERROR (APNs or web-push credentials)', reply(401, fcmErrorBody(401, { errorCode: 'THIRD_PARTY_AUTH_ERROR' })), 'misconfigured'],
  ['401 UNAUTHENTICATED (our access token)', reply(401, fcmErrorBody(401)), 'access token refused'],
  ['403 PERMISSION_DENIED (the service account may not send)', reply(403, fcmErrorBody(403)), 'misconfigured'],
  ['404 NOT_FOUND without UNREGISTERED (no such project)', reply(404, fcmErrorBody(404)), 'misconfigured'],
  ['429 QUOTA_EXCEEDED with Retry-After', reply(429, fcmErrorBody(429, { errorCode: 'QUOTA_EXCEEDED' }), '30'), 'down', { retryAfterMs: 30_000 }],
  ['500 INTERNAL', reply(500, fcmErrorBody(500, { errorCode: 'INTERNAL' })), 'down'],
  ['503 UNAVAILABLE with a past HTTP-date Retry-After (retry now)', reply(503, fcmErrorBody(503, { errorCode: 'UNAVAILABLE' }), 'Wed, 21 Oct 2026 07:28:00 GMT'), 'down', { retryAfterMs: 0 }],
  ['502 from Google\'s front end (HTML)', reply(502, '<!DOCTYPE html><title>Error 502</title>'), 'down'],
  ['408 request timeout', reply(408, ''), 'down'],
  ['a 5xx carrying UNREGISTERED is still an outage', reply(503, fcmErrorBody(503, { errorCode: 'UNREGISTERED' })), 'down'],
  ['302 (no redirect is followed)', reply(302, ''), 'transient'],
  ['connection refused', { kind: 'no_response', requestSent: false, code: 'ECONNREFUSED', error: 'connect ECONNREFUSED' }, 'down'],
  ['connect timeout', { kind: 'no_response', requestSent: false, code: 'UND_ERR_CONNECT_TIMEOUT', error: 'Connect Timeout Error' }, 'down'],
  ['connection closed before the request was written', { kind: 'no_response', requestSent: false, code: 'UND_ERR_SOCKET', error: 'other side closed' }, 'down'],
  ['connection closed after the request was written', { kind: 'no_response', requestSent: true, code: 'UND_ERR_SOCKET', error: 'other side closed' }, 'ambiguous'],
  ['reset after the request was written', { kind: 'no_response', requestSent: true, code: 'ECONNRESET', error: 'read ECONNRESET' }, 'ambiguous'],
  ['no answer in time (headers timeout)', { kind: 'no_response', requestSent: false, code: 'UND_ERR_HEADERS_TIMEOUT', error: 'Headers Timeout Error' }, 'ambiguous'],
];

function shapeOf(expected: Expected): Record<string, unknown> {
  if (expected === 'suspect') return { kind: 'unregistered', senderSuspect: true };
  if (expected === 'down') return { kind: 'provider_down', configurationFault: false };
  if (expected === 'misconfigured') return { kind: 'provider_down', configurationFault: true };
  if (expected === 'access token refused') return { kind: 'provider_down', configurationFault: true, accessTokenRefused: true };
  return { kind: expected };
}

describe('classifyFcmAnswer: each FCM answer for one device token', () => {
  for (const [name, answer, expected, extra] of CASES) {
    it(`${name}: ${expected}`, () => {
      const { token: _token, detail: _detail, ...verdict } = classifyFcmAnswer('device-token-1', answer);
      expect(verdict).to.deep.equal({ ...shapeOf(expected), ...extra });
    });
  }

  it('the detail names the HTTP status, FCM\'s code and its message', () => {
    const result = classifyFcmAnswer('t', reply(404, fcmErrorBody(404, { errorCode: 'UNREGISTERED', message: 'Requested entity was not found.' })));
    expect(result.detail).to.equal('404 UNREGISTERED: Requested entity was not found.');
  });

  it('without FCM\'s code, the detail names the RPC status', () => {
    expect(classifyFcmAnswer('t', reply(401, fcmErrorBody(401, { message: 'no' }))).detail).to.equal('401 UNAUTHENTICATED: no');
  });
});
