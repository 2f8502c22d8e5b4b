import { expect } from 'chai';
import { isRefusedValue, isUnavailable } from '../../../src/adapters/postgres/pool.js';

const withCode = (code: string, message = `error ${code}`) => Object.assign(new Error(message), { code });

describe('isUnavailable: database errors that mean try later', () => {
  it('counts every SQLSTATE that means try later', () => {
    const tryLater = ['53300', '57014', '25P03', '40001', '40P01', '25006', '57P01', '57P02', '57P03', '57P05', '08000', '08003', '08006', '08P01'];
    const resources = ['53000', '53100', '53200', '53400', '55P03', '42501', '57000', '58000', '58030'];
    expect(tryLater.filter((code) => !isUnavailable(withCode(code))), 'codes not counted').to.deep.equal([]);
    expect(resources.filter((code) => !isUnavailable(withCode(code))), 'resource and availability codes not counted').to.deep.equal([]);
  });

  it('tells a value the database refuses (class 22, 23, 54) from try later and from a wrong query', () => {
    const codes = ['22003', '22P05', '23514', '54000', '54001', '53100', '55P03', '42501', '42P01', '57014'];
    expect(codes.filter((code) => isRefusedValue(withCode(code)))).to.deep.equal(['22003', '22P05', '23514', '54000', '54001']);
    expect(isRefusedValue(new TypeError('a bug'))).to.equal(false);
  });

  it('counts socket failures and lost or timed-out connections', () => {
    const lost = [
      withCode('ECONNREFUSED'),
      withCode('ECONNRESET'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Query read timeout'),
      new Error('Client has encountered a connection error and is not queryable'),
    ];
    expect(lost.map((error) => isUnavailable(error))).to.deep.equal(lost.map(() => true));
  });

  it('reads the message only of errors pg or the pool create: a client error or any other text that says timeout is not one', () => {
    const notDatabase = [
      Object.assign(new SyntaxError('Unexpected token \'t\', "{"a": timeout}" is not valid JSON'), { type: 'entity.parse.failed', status: 400 }),
      Object.assign(new Error('Connection terminated unexpectedly'), { status: 400, expose: true }),
      new Error('the renderer hit a timeout'),
      new Error('session terminated by the provider'),
      new SyntaxError('Unexpected token: timeout'),
    ];
    expect(notDatabase.filter((error) => isUnavailable(error)).map((e) => e.message)).to.deep.equal([]);
  });

  it('does not count a wrong query, a constraint or a bug', () => {
    const wrong = ['42601', '42P01', '23505', '22P02', '22008', '54001', '57P04'].map((code) => withCode(code));
    expect(wrong.filter((error) => isUnavailable(error)).map((e) => (e as { code?: string }).code)).to.deep.equal([]);
    expect(isUnavailable(new TypeError('cannot read properties of undefined'))).to.equal(false);
    expect(isUnavailable('a string')).to.equal(false);
  });
});
