import { expect } from 'chai';
import type { TokenResult } from '../../../../src/adapters/push/fcm-answer.js';
import { pushOutcome } from '../../../../src/adapters/push/push-outcome.js';

const token = (n: number): string => `token-${'x'.repeat(140)}-${String(n).padStart(4, '0')}`;
const accepted = (n: number, name: string | null = `projects/p/messages/0:${n}`): TokenResult => ({ token: token(n), kind: 'accepted', name, detail: name ?? '200' });
const dead = (n: number): TokenResult => ({ token: token(n), kind: 'unregistered', detail: '404 UNREGISTERED' });
const down = (n: number, retryAfterMs?: number, configurationFault = false): TokenResult => ({
  token: token(n),
  kind: 'provider_down',
  detail: configurationFault ? '403 PERMISSION_DENIED' : '503 UNAVAILABLE',
  configurationFault,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});
const other = (n: number, kind: 'permanent' | 'transient' | 'ambiguous'): TokenResult => ({ token: token(n), kind, detail: kind });
const unregistered = (...ns: number[]) => ns.map((n) => ({ address: token(n), reason: 'unregistered' }));

/** The outcome without its texts: kind, flags, provider id, rejected addresses. */
function shape(results: TokenResult[]): Record<string, unknown> {
  const { error: _error, response: _response, ...rest } = pushOutcome(results) as Record<string, unknown>;
  return rest;
}

describe('pushOutcome: one notification from its device tokens\' results', () => {
  const cases: ReadonlyArray<[string, TokenResult[], Record<string, unknown>]> = [
    ['one token accepted', [accepted(1)], { kind: 'accepted', providerMessageId: 'projects/p/messages/0:1' }],
    ['three tokens, one unregistered', [accepted(1), dead(2), accepted(3)], { kind: 'accepted', providerMessageId: 'projects/p/messages/0:1', rejected: unregistered(2) }],
    ['the first accepted name, whatever failed before it', [down(1), accepted(2, null), accepted(3)], { kind: 'accepted', providerMessageId: 'projects/p/messages/0:3' }],
    ['every token dead', [dead(1), dead(2)], { kind: 'permanent', rejected: unregistered(1, 2) }],
    ['a dead token and a refused payload', [dead(1), other(2, 'permanent')], { kind: 'permanent', rejected: unregistered(1) }],
    ['an outage beats every other failure', [other(1, 'transient'), other(2, 'ambiguous'), down(3, 30_000), dead(4)], { kind: 'provider_down', attempted: true, configurationFault: false, retryAfterMs: 30_000 }],
    ['the longest Retry-After', [down(1, 10_000), down(2, 30_000), down(3)], { kind: 'provider_down', attempted: true, configurationFault: false, retryAfterMs: 30_000 }],
    ['a configuration fault among outages', [down(1), down(2, undefined, true)], { kind: 'provider_down', attempted: true, configurationFault: true }],
    ['transient before ambiguous and permanent', [other(1, 'permanent'), other(2, 'ambiguous'), other(3, 'transient'), dead(4)], { kind: 'transient', rejected: unregistered(4) }],
    ['ambiguous before permanent', [other(1, 'permanent'), other(2, 'ambiguous')], { kind: 'ambiguous' }],
  ];
  for (const [name, results, expected] of cases) {
    it(`${name}: ${String(expected.kind)}`, () => {
      expect(shape(results)).to.deep.equal(expected);
    });
  }

  it('the response lists each token by its last 8 characters with its result, never the whole token', () => {
    const outcome = pushOutcome([accepted(1), dead(2)]);
    expect(outcome).to.have.property('response', '1 of 2 device tokens accepted: …xxx-0001 projects/p/messages/0:1; …xxx-0002 unregistered (404 UNREGISTERED)');
    expect(JSON.stringify(outcome.kind === 'accepted' ? outcome.response : '')).to.not.contain(token(1));
  });

  it('the error of a configuration fault is the fault\'s, not the outage\'s', () => {
    expect(pushOutcome([down(1), down(2, undefined, true)])).to.have.property('error', 'FCM: 403 PERMISSION_DENIED');
  });

  it('all dead: the error says so', () => {
    expect(pushOutcome([dead(1)])).to.have.property('error', 'FCM: every device token is unregistered');
  });
});
