import { expect } from 'chai';
import type { TokenResult } from '../../../../src/adapters/push/fcm-answer.js';
import { pushOutcome } from '../../../../src/adapters/push/push-outcome.js';
import { SenderFaultGuard, SUSPECT_ANSWERS_TO_FAULT } from '../../../../src/adapters/push/sender-fault-guard.js';

const mismatch = (n: number): TokenResult => ({ token: `t-${n}`, kind: 'unregistered', senderSuspect: true, detail: '403 SENDER_ID_MISMATCH' });
const unregistered = (n: number): TokenResult => ({ token: `t-${n}`, kind: 'unregistered', detail: '404 UNREGISTERED' });
const accepted = (n: number): TokenResult => ({ token: `t-${n}`, kind: 'accepted', name: `projects/p/messages/${n}`, detail: 'ok' });
const other = (n: number, kind: 'transient' | 'ambiguous' | 'permanent'): TokenResult => ({ token: `t-${n}`, kind, detail: kind });

/** Each result's kind after the guard, in order, with `fault` for a configuration fault. */
function judged(guard: SenderFaultGuard, results: TokenResult[]): string[] {
  return results.map((result) => guard.judge(result)).map((r) => (r.kind === 'provider_down' && r.configurationFault ? 'fault' : r.kind));
}

describe('SenderFaultGuard: a wrong sender must not remove every device token', () => {
  it('is 5 suspect answers by default', () => {
    expect(SUSPECT_ANSWERS_TO_FAULT).to.equal(5);
  });

  it('below the threshold a suspect answer stays a dead token; from it on, a configuration fault', () => {
    const guard = new SenderFaultGuard(5);
    expect(judged(guard, [1, 2, 3, 4, 5, 6, 7].map(mismatch))).to.deep.equal([...Array(4).fill('unregistered'), 'fault', 'fault', 'fault']);
  });

  it('the fault names the answer and why the token is kept', () => {
    const guard = new SenderFaultGuard(2);
    guard.judge(mismatch(1));
    const fault = guard.judge(mismatch(2));
    expect(fault).to.deep.include({ token: 't-2', kind: 'provider_down', configurationFault: true });
    expect(fault.detail).to.match(/^403 SENDER_ID_MISMATCH \(2 such answers with no token accepted since: taken as a wrong PUSH_SERVICE_ACCOUNT_JSON or payload/);
  });

  it('a token accepted resets the count, and ends a fault', () => {
    const guard = new SenderFaultGuard(3);
    expect(judged(guard, [mismatch(1), mismatch(2), accepted(3), mismatch(4), mismatch(5)])).to.deep.equal(['unregistered', 'unregistered', 'accepted', 'unregistered', 'unregistered']);
    expect(judged(guard, [mismatch(6), accepted(7), mismatch(8)])).to.deep.equal(['fault', 'accepted', 'unregistered']);
  });

  it('UNREGISTERED is never counted and always a dead token; other answers neither count nor reset', () => {
    const guard = new SenderFaultGuard(3);
    const results = [mismatch(1), unregistered(2), other(3, 'transient'), mismatch(4), other(5, 'ambiguous'), unregistered(6), mismatch(7), unregistered(8)];
    expect(judged(guard, results)).to.deep.equal(['unregistered', 'unregistered', 'transient', 'unregistered', 'ambiguous', 'unregistered', 'fault', 'unregistered']);
  });

  it('a push whose suspect answers reach the threshold: provider_down, configuration fault, nothing rejected', () => {
    const guard = new SenderFaultGuard(2);
    const outcome = pushOutcome([mismatch(1), mismatch(2), mismatch(3)].map((r) => guard.judge(r)));
    expect(outcome).to.deep.include({ kind: 'provider_down', attempted: true, configurationFault: true });
    expect(outcome).to.not.have.property('rejected');
  });
});
