import { expect } from 'chai';
import { isUnavailable } from '../../../src/adapters/postgres/pool.js';

const withCode = (code: string, message = `error ${code}`) => Object.assign(new Error(message), { code });

describe('isUnavailable: database errors that mean try later', () => {
  it('counts every SQLSTATE that means try later', () => {
    const tryLater = ['53300', '57014', '25P03', '40001', '40P01', '25006', '57P01', '57P02', '57P03', '57P05', '08000', '08003', '08006', '08P01'];
    expect(tryLater.filter((code) => !isUnavailable(withCode(code))), 'codes not counted').to.deep.equal([]);
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

  it('does not count a wrong query, a constraint or a bug', () => {
    const wrong = ['42601', '42P01', '23505', '22P02', '22008', '54001', '57P04'].map((code) => withCode(code));
    expect(wrong.filter((error) => isUnavailable(error)).map((e) => (e as { code?: string }).code)).to.deep.equal([]);
    expect(isUnavailable(new TypeError('cannot read properties of undefined'))).to.equal(false);
    expect(isUnavailable('a string')).to.equal(false);
  });
});
