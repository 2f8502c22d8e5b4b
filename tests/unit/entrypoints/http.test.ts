import { expect } from 'chai';
import {
  ApiKeyNotFoundError,
  ConcurrentModificationError,
  DomainError,
  InvalidBatchError,
  InvalidTransitionError,
  InvalidValueError,
  NotificationNotFoundError,
  PreferencesAlreadyExistError,
  PreferencesNotFoundError,
} from '../../../src/domain/errors.js';
import { Problem, toProblem } from '../../../src/entrypoints/http/problem.js';
import { CreatePreferencesBody, HistoryQuery } from '../../../src/entrypoints/http/schemas.js';
import { parse } from '../../../src/entrypoints/http/validation.js';
import { thrown } from '../rejection.js';

const VALID = { userid: 'u-1', notification_email: 'ada@example.com' };

function problemOf(value: unknown): Problem {
  const error = thrown(() => parse(CreatePreferencesBody, value, 'body'));
  expect(error).to.be.instanceOf(Problem);
  expect((error as Problem).status).to.equal(400);
  return error as Problem;
}

const fields = (problem: Problem) => problem.errors.map((e) => e.field);

describe('parse with CreatePreferencesBody', () => {
  it('accepts a valid body, defaulting preferences to none given', () => {
    expect(parse(CreatePreferencesBody, VALID, 'body')).to.deep.equal({ ...VALID, preferences: {} });
  });

  it('accepts an integer userid and turns it into a string', () => {
    expect(parse(CreatePreferencesBody, { ...VALID, userid: 42, preferences: { welcome: false } }, 'body')).to.deep.equal({
      userid: '42',
      notification_email: 'ada@example.com',
      preferences: { welcome: false },
    });
  });

  it('refuses an unknown field, naming it', () => {
    const problem = problemOf({ ...VALID, extra: 1 });
    expect(problem.errors).to.deep.equal([{ field: 'extra', message: 'is not a known field' }]);
    expect(problem.detail).to.equal('The request has invalid fields: extra');
  });

  it('refuses an unknown preference, naming preferences.<key>', () => {
    expect(problemOf({ ...VALID, preferences: { nope: true } }).errors).to.deep.equal([
      { field: 'preferences.nope', message: 'is not a known field' },
    ]);
  });

  it('refuses values of the wrong type, naming each field', () => {
    expect(fields(problemOf({ userid: true, notification_email: 7, preferences: { welcome: 'no' } }))).to.deep.equal([
      'userid',
      'notification_email',
      'preferences.welcome',
    ]);
  });

  it('refuses an email with CR or LF, naming notification_email with the domain reason', () => {
    expect(problemOf({ ...VALID, notification_email: 'ada@example.com\r\nBcc: x@y.z' }).errors).to.deep.equal([
      { field: 'notification_email', message: 'must not contain CR or LF' },
    ]);
  });

  it('refuses a userid the domain refuses, and a negative or fractional number', () => {
    for (const userid of ['', 'a'.repeat(129), 'a\u0007b', -1, 1.5]) {
      expect(fields(problemOf({ ...VALID, userid })), String(userid)).to.deep.equal(['userid']);
    }
  });

  it('names the location when the whole value is wrong', () => {
    expect(fields(problemOf(undefined))).to.deep.equal(['body']);
  });

  it('parses a history limit from the query string within 1 to 200', () => {
    expect(parse(HistoryQuery, { limit: '25' }, 'query')).to.deep.equal({ limit: 25 });
    for (const limit of ['0', '201', '1.5', 'ten']) {
      const problem = thrown(() => parse(HistoryQuery, { limit }, 'query')) as Problem;
      expect(fields(problem), limit).to.deep.equal(['limit']);
    }
  });
});

describe('toProblem', () => {
  it('maps each domain error to its status', () => {
    const errors: DomainError[] = [
      new PreferencesAlreadyExistError('u-1'),
      new PreferencesNotFoundError('u-1'),
      new NotificationNotFoundError('n-1'),
      new ApiKeyNotFoundError('k-1'),
      new InvalidTransitionError('sent'),
      new ConcurrentModificationError('moved'),
    ];
    expect(errors.map((e) => [e.code, toProblem(e)?.status])).to.deep.equal([
      ['preferences_exist', 409],
      ['preferences_not_found', 404],
      ['notification_not_found', 404],
      ['api_key_not_found', 404],
      ['invalid_transition', 409],
      ['concurrent_modification', 409],
    ]);
    expect(toProblem(new PreferencesNotFoundError('u-1'))?.detail).to.equal('no preferences are stored for user "u-1"');
  });

  it("maps PostgreSQL's refusal of unstorable text (22021, 22P05) to 400, and other database errors to nothing (a 500)", () => {
    const pgError = (code: string) => Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code });
    expect(['22021', '22P05', '23505'].map((code) => toProblem(pgError(code))?.status ?? null)).to.deep.equal([400, 400, null]);
  });

  it('maps an InvalidValueError to 400 naming its field', () => {
    const problem = toProblem(new InvalidValueError('limit', 'must be an integer from 1 to 200'));
    expect(problem?.status).to.equal(400);
    expect(problem?.errors.map((e) => e.field)).to.deep.equal(['limit']);
    expect(problem?.errors[0]?.message).to.contain('must be an integer from 1 to 200');
  });

  it("maps an InvalidBatchError to 422 listing every item's errors named from the batch body", () => {
    const problem = toProblem(
      new InvalidBatchError([
        { index: 0, problems: [{ field: 'variables.name', message: 'is required' }] },
        { index: 3, problems: [{ field: '', message: 'must be an object' }, { field: 'recipient', message: 'is not an address' }] },
      ]),
    );
    expect(problem).to.deep.include({ status: 422, title: 'Invalid batch' });
    expect(problem?.errors).to.deep.equal([
      { field: 'notifications[0].variables.name', message: 'is required' },
      { field: 'notifications[3]', message: 'must be an object' },
      { field: 'notifications[3].recipient', message: 'is not an address' },
    ]);
  });

  it('maps a domain error of an unmapped code to 400', () => {
    class Unmapped extends DomainError {
      readonly code = 'something_new';
    }
    expect(toProblem(new Unmapped('no'))).to.deep.include({ status: 400, title: 'Request refused', detail: 'no' });
  });

  it('maps an unreachable database to 503 with Retry-After', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const timedOut = new Error('timeout exceeded when trying to connect');
    for (const error of [refused, timedOut]) {
      expect(toProblem(error)).to.deep.include({ status: 503, title: 'Service unavailable', headers: { 'Retry-After': '5' } });
    }
    expect(toProblem(Object.assign(new Error('syntax error'), { code: '42601' }))).to.equal(null);
  });

  it('passes a Problem through unchanged', () => {
    const problem = new Problem(429, 'Too many requests', 'slow down');
    expect(toProblem(problem)).to.equal(problem);
  });

  it('maps body-parser client errors', () => {
    const tagged = (type: string, message: string) => Object.assign(new Error(message), { type });
    const malformed = toProblem(tagged('entity.parse.failed', 'Unexpected token }'));
    expect(malformed).to.deep.include({ status: 400, title: 'Malformed JSON' });
    expect(malformed?.errors).to.deep.equal([{ field: 'body', message: 'must be valid JSON' }]);
    expect(toProblem(tagged('entity.too.large', 'request entity too large'))?.status).to.equal(413);
    expect(toProblem(tagged('charset.unsupported', 'unsupported charset "latin9"'))?.status).to.equal(415);
    expect(toProblem(new URIError('URI malformed'))?.status).to.equal(400);
    expect(toProblem(Object.assign(new Error('method not allowed'), { status: 405 }))?.status).to.equal(405);
  });

  it('maps malformed JSON quoting "timeout" or "terminated" to 400, not to the 503 of an unreachable database', () => {
    const parseFailed = (body: string) => Object.assign(thrown(() => JSON.parse(body)), { type: 'entity.parse.failed', status: 400, statusCode: 400, expose: true });
    for (const body of ['{"userid": timeout}', '{"a": "b" terminated}', '{"x": Connection terminated}', '[not queryable]']) {
      expect(toProblem(parseFailed(body)), body).to.deep.include({ status: 400, title: 'Malformed JSON' });
    }
    expect(toProblem(Object.assign(new Error('request timeout'), { status: 408, expose: true }))?.status).to.equal(408);
  });

  it('returns null for a plain error, a server error status and a non-error', () => {
    expect(toProblem(new Error('bug'))).to.equal(null);
    expect(toProblem(Object.assign(new Error('bad gateway'), { status: 502 }))).to.equal(null);
    expect(toProblem('a string')).to.equal(null);
  });
});
