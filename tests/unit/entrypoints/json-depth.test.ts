import { expect } from 'chai';
import { MAX_JSON_DEPTH, tooDeepField } from '../../../src/entrypoints/json-depth.js';

/** `levels` objects or arrays, one inside the other. */
function nested(levels: number, array = false): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = array ? [value] : { inner: value };
  return value;
}

describe('tooDeepField', () => {
  it('lets 32 levels of objects or arrays through, and scalars', () => {
    expect(MAX_JSON_DEPTH).to.equal(32);
    for (const value of [nested(32), nested(32, true), 'text', 7, null, {}, []]) expect(tooDeepField(value)).to.equal(null);
  });

  it('names the outermost field under which a value nests deeper than 32 levels', () => {
    expect(tooDeepField({ name: 'ok', template_vars: nested(32) })).to.equal('template_vars');
    expect(tooDeepField([1, nested(32, true)])).to.equal('[1]');
    expect(tooDeepField({ a: { b: nested(40) } })).to.equal('a');
  });

  it('answers for a value 200,000 levels deep without overflowing the stack', () => {
    const deep = JSON.parse('['.repeat(200_000) + ']'.repeat(200_000)) as unknown;
    expect(tooDeepField({ vars: deep })).to.equal('vars');
  });
});
