import { expect } from 'chai';
import { PrivateAddressRefused } from '../../../../src/adapters/webhook/guarded-lookup.js';
import { classifyFailure } from '../../../../src/adapters/webhook/webhook-failure.js';
import { ExchangeDeadline } from '../../../../src/adapters/webhook/webhook-request.js';

describe('webhook sends without an answer: the classification table', () => {
  const coded = (code: string, message = `something about ${code.toLowerCase()}`) => Object.assign(new Error(message), { code });
  const NOT_SENT = false;
  const SENT = true;

  it('a refused address is permanent, with its reason', () => {
    const refused = new PrivateAddressRefused('refused webhook host internal.example: 10.0.0.5 is a private address, not a public one');
    expect(classifyFailure(refused, NOT_SENT, 1_000)).to.deep.equal({ kind: 'permanent', error: refused.message, response: null });
  });

  for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']) {
    it(`${code}: provider_down, attempted (the endpoint is down; nothing was sent)`, () => {
      expect(classifyFailure(coded(code), NOT_SENT, 1_000)).to.deep.include({ kind: 'provider_down', attempted: true, configurationFault: false, error: `could not connect to the endpoint (${code}: something about ${code.toLowerCase()})` });
    });
  }

  for (const code of ['CERT_HAS_EXPIRED', 'ECONNRESET', 'UND_ERR_SOCKET']) {
    it(`${code} before the request was written: provider_down, attempted`, () => {
      expect(classifyFailure(coded(code), NOT_SENT, 1_000)).to.deep.include({ kind: 'provider_down', attempted: true, error: `the connection failed before the request was sent (${code}: something about ${code.toLowerCase()})` });
    });
  }

  it('reports every address happy eyeballs tried when all were refused', () => {
    const all = Object.assign(new AggregateError([coded('ECONNREFUSED', 'connect ECONNREFUSED ::1:80'), coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:80')], ''), { code: 'ECONNREFUSED' });
    expect(classifyFailure(all, NOT_SENT, 1_000)).to.have.property('error', 'could not connect to the endpoint (ECONNREFUSED: connect ECONNREFUSED ::1:80; connect ECONNREFUSED 127.0.0.1:80)');
  });

  it('no answer within the timeout, or the deadline, after the request was sent is ambiguous and unanswered (the breaker counts a tarpit)', () => {
    const tail = 'after the request was sent: the receiver may have it, and de-duplicates by webhook-id';
    expect(classifyFailure(coded('UND_ERR_HEADERS_TIMEOUT'), SENT, 2_500)).to.deep.equal({ kind: 'ambiguous', error: `no answer within 2500 ms ${tail}`, response: null, unanswered: true });
    expect(classifyFailure(new ExchangeDeadline(7_000), SENT, 2_500)).to.deep.equal({ kind: 'ambiguous', error: `no answer within the exchange's deadline of 7000 ms ${tail}`, response: null, unanswered: true });
  });

  it("the exchange's deadline before the request was written: provider_down, attempted", () => {
    expect(classifyFailure(new ExchangeDeadline(7_000), NOT_SENT, 2_500)).to.deep.include({ kind: 'provider_down', attempted: true, error: 'could not connect to the endpoint (EWEBHOOK_DEADLINE: the exchange took longer than its deadline of 7000 ms)' });
  });

  for (const code of ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_BODY_TIMEOUT']) {
    it(`${code} after the request was written is ambiguous, not unanswered (the connection dropped)`, () => {
      expect(classifyFailure(coded(code), SENT, 1_000)).to.include({ kind: 'ambiguous' }).and.not.have.property('unanswered');
    });
  }

  it('does not repeat a code the message starts with', () => {
    expect(classifyFailure(coded('ECONNREFUSED', 'ECONNREFUSED 127.0.0.1:9'), NOT_SENT, 1_000)).to.have.property('error', 'could not connect to the endpoint (ECONNREFUSED 127.0.0.1:9)');
  });

  it('a request undici cannot build is permanent', () => {
    expect(classifyFailure(coded('UND_ERR_INVALID_ARG'), NOT_SENT, 1_000).kind).to.equal('permanent');
  });
});
