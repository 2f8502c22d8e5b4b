import { expect } from 'chai';
import { PrivateAddressRefused } from '../../../../src/adapters/webhook/guarded-lookup.js';
import { classifyFailure } from '../../../../src/adapters/webhook/webhook-failure.js';
import { classifyAnswer, type WebhookAnswer } from '../../../../src/adapters/webhook/webhook-outcome.js';

const URL_ = 'https://hooks.example.com/notify';
const NOW = Date.parse('2026-03-01T12:00:00Z');

function answer(status: number, fields: Partial<WebhookAnswer> = {}): WebhookAnswer {
  return { status, retryAfter: null, location: null, excerpt: '', ...fields };
}

/** The outcome's kind with the flags that steer the delivery core. */
function verdict(status: number, fields: Partial<WebhookAnswer> = {}) {
  const outcome = classifyAnswer(URL_, answer(status, fields), NOW);
  if (outcome.kind === 'provider_down') return `provider_down attempted=${outcome.attempted} retryAfterMs=${outcome.retryAfterMs ?? '-'}`;
  if (outcome.kind === 'permanent' && outcome.rejected) return `permanent rejected=${outcome.rejected.map((r) => r.reason).join(',')}`;
  return outcome.kind;
}

describe('webhook answers: the classification table', () => {
  const table: Array<[number, string]> = [
    [200, 'accepted'],
    [202, 'accepted'],
    [204, 'accepted'],
    [299, 'accepted'],
    [301, 'permanent'],
    [302, 'permanent'],
    [307, 'permanent'],
    [308, 'permanent'],
    [400, 'permanent'],
    [401, 'permanent'],
    [403, 'permanent'],
    [404, 'permanent'],
    [408, 'provider_down attempted=true retryAfterMs=-'],
    [410, 'permanent rejected=gone'],
    [413, 'permanent'],
    [422, 'permanent'],
    [429, 'provider_down attempted=true retryAfterMs=-'],
    [500, 'provider_down attempted=true retryAfterMs=-'],
    [502, 'provider_down attempted=true retryAfterMs=-'],
    [503, 'provider_down attempted=true retryAfterMs=-'],
    [504, 'provider_down attempted=true retryAfterMs=-'],
  ];
  for (const [status, expected] of table) {
    it(`HTTP ${status}: ${expected}`, () => expect(verdict(status)).to.equal(expected));
  }

  it('accepts a 2xx with no provider id and the status as the response', () => {
    expect(classifyAnswer(URL_, answer(202, { excerpt: 'queued' }), NOW)).to.deep.equal({ kind: 'accepted', response: 'HTTP 202', providerMessageId: null });
  });

  it('names the URL, as the recipient spelled it, rejected as gone on a 410', () => {
    expect(classifyAnswer(URL_, answer(410, { excerpt: '{"error":"endpoint removed"}' }), NOW)).to.deep.equal({
      kind: 'permanent',
      error: 'the endpoint answered 410 Gone: it is disabled until its URL is set again',
      response: 'HTTP 410 {"error":"endpoint removed"}',
      rejected: [{ address: URL_, reason: 'gone' }],
    });
  });

  it('honours Retry-After in seconds and as an HTTP date on 429 and 503', () => {
    expect(verdict(429, { retryAfter: '30' })).to.equal('provider_down attempted=true retryAfterMs=30000');
    expect(verdict(503, { retryAfter: 'Sun, 01 Mar 2026 12:02:00 GMT' })).to.equal('provider_down attempted=true retryAfterMs=120000');
    expect(verdict(503, { retryAfter: 'soon' })).to.equal('provider_down attempted=true retryAfterMs=-');
  });

  it('says where a redirect pointed, and that it was not followed', () => {
    const outcome = classifyAnswer(URL_, answer(301, { location: 'http://169.254.169.254/latest/meta-data' }), NOW);
    expect(outcome).to.deep.include({ kind: 'permanent', error: 'redirects are not followed (HTTP 301 to http://169.254.169.254/latest/meta-data)' });
  });
});

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

  it('no answer within the timeout after the request was sent is ambiguous', () => {
    expect(classifyFailure(coded('UND_ERR_HEADERS_TIMEOUT'), SENT, 2_500)).to.deep.equal({
      kind: 'ambiguous',
      error: 'no answer within 2500 ms after the request was sent: the receiver may have it, and de-duplicates by webhook-id',
      response: null,
    });
  });

  for (const code of ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_BODY_TIMEOUT']) {
    it(`${code} after the request was written is ambiguous`, () => expect(classifyFailure(coded(code), SENT, 1_000).kind).to.equal('ambiguous'));
  }

  it('does not repeat a code the message starts with', () => {
    expect(classifyFailure(coded('ECONNREFUSED', 'ECONNREFUSED 127.0.0.1:9'), NOT_SENT, 1_000)).to.have.property('error', 'could not connect to the endpoint (ECONNREFUSED 127.0.0.1:9)');
  });

  it('a request undici cannot build is permanent', () => {
    expect(classifyFailure(coded('UND_ERR_INVALID_ARG'), NOT_SENT, 1_000).kind).to.equal('permanent');
  });
});
