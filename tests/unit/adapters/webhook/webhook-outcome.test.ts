import { expect } from 'chai';
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
